#pragma once
// Where the kept posterior samples of runs not saved yet live: the user's cache folder
// (~/.cache/<app>/samples on Linux), one folder per running application,
// "session-<pid>-<start time>", so that a file never outlives its session unnoticed:
//  - a run's file goes when the run is removed (PosteriorSamples, Ownership::RemoveWhenDone:
//    the last result holding it deletes it) or is saved (linked or copied into its folder);
//  - the files of a session that died (crash, kill, power loss) are deleted when the application
//    starts next: removeStale() deletes every session folder whose process (the pid with that
//    start time, from /proc) no longer runs, and loose "samples-*.npy" files of earlier versions
//    that have not been written to for a day. Folders of sessions still running are kept.
// Thread-safe free functions (file system only); removeStale runs on the background runner.

#include <QString>
#include <QtGlobal>

namespace sample_cache {

/// The cache folder of kept samples ("" when the system has no cache location).
QString root();
/// This process's session folder under `root`, created if missing ("" for an empty root).
QString sessionFolder(const QString& root);
/// "session-<pid>-<start>" of a process (start: clock ticks after boot, /proc/<pid>/stat).
QString sessionName(qint64 pid, quint64 startTicks);
/// Start time of process `pid` in clock ticks after boot; 0 when there is no such process.
quint64 processStartTicks(qint64 pid);

struct Cleanup {
  int folders = 0;  // session folders removed
  int files = 0;    // sample files in them, and loose ones
  qint64 bytes = 0;
};
/// Removes what dead sessions left under `root` (see the top).
Cleanup removeStale(const QString& root);

}  // namespace sample_cache
