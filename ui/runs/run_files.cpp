#include "runs/run_files.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <memory>

#include "common/job_runner.h"
#include "run/chain_pool.h"
#include "run/posterior_samples.h"
#include "run/result_io.h"
#include "runs/run_list_model.h"

RunFiles::RunFiles(RunListModel* model, JobRunner* jobs, QObject* parent)
    : QObject(parent), m_model(model), m_jobs(jobs) {}

QString RunFiles::suggestedFolderName(const QString& runName) {
  QString s = runName.toLower();
  s.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
  while (s.startsWith(QLatin1Char('-'))) s.remove(0, 1);
  while (s.endsWith(QLatin1Char('-'))) s.chop(1);
  return s.isEmpty() ? QStringLiteral("run") : s;
}

bool RunFiles::save(const QString& id, const QString& directory, QString* error) {
  const RunRecord* r = m_model->record(id);
  if (!r || !r->result) {
    if (error) *error = QStringLiteral("only a finished or opened run can be saved");
    return false;
  }
  // The head of a K-chain group: its chains go into chain-<i>/ (with their kept samples, which
  // the pooled folder's config.json lists), as bnn-cli run --chains K writes them.
  QStringList chainIds;
  QString why;
  const std::vector<std::shared_ptr<const bnn::RunResult>> chains = groupChains(id, &chainIds, &why);
  if (!why.isEmpty()) {
    if (error) *error = why;
    return false;
  }
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  std::shared_ptr<const bnn::RunResult> result = r->result;
  const std::string name = r->name.toStdString();
  struct Outcome {
    bool ok = false;
    QString error;
  };
  // A removed run's save still completes on disk; only the notice is dropped.
  m_jobs->submit(
      this, QStringLiteral("save/") + dir, QStringList{id} + chainIds,
      [result, chains, name, dir](const JobRunner::CancelCheck&) {
        bnn::RunResult copy = *result;  // shares the test split; only the name differs
        copy.config.name = name;        // keep the name given in the list
        bnn::Status st = bnn::okStatus();
        if (chains.empty()) {
          st = bnn::writeRunResult(copy, dir.toStdString());
        } else {
          std::vector<bnn::RunResult> parts;
          for (const auto& c : chains) parts.push_back(*c);
          st = bnn::writePooledRun(copy, parts, dir.toStdString());
        }
        return Outcome{st.ok(), st.ok() ? QString() : QString::fromStdString(st.error().message())};
      },
      [this, id, dir, chainIds, chains](Outcome o) {
        if (!o.ok) {
          Q_EMIT saveFailed(id, dir, o.error);
          return;
        }
        m_model->setPath(id, dir);
        for (int i = 0; i < chainIds.size(); ++i)
          m_model->setPath(chainIds[i], dir + QLatin1Char('/') +
                                            QString::fromStdString(
                                                bnn::chainFolderName(chains[size_t(i)]->config.chainIndex)));
        Q_EMIT saved(id, dir);
      });
  return true;
}

std::vector<std::shared_ptr<const bnn::RunResult>> RunFiles::groupChains(const QString& id, QStringList* ids,
                                                                         QString* why) const {
  std::vector<std::shared_ptr<const bnn::RunResult>> out;
  const RunRecord* head = m_model->record(id);
  if (!head || !head->result) return out;
  const bnn::RunConfig& c = head->result->config;
  if (c.chains < 2 || c.chainIndex >= 0) return out;
  std::vector<const RunRecord*> found(size_t(c.chains), nullptr);
  for (const QString& other : m_model->ids()) {
    const RunRecord* r = m_model->record(other);
    if (!r || r->groupId != id || !r->result) continue;
    const int64_t i = r->result->config.chainIndex;
    if (i >= 0 && i < c.chains) found[size_t(i)] = r;
  }
  const bool any = std::any_of(found.begin(), found.end(), [](const RunRecord* r) { return r != nullptr; });
  const bool all = std::all_of(found.begin(), found.end(), [](const RunRecord* r) { return r != nullptr; });
  if (!all) {
    // Without its chains the folder would list chain-<i>/samples.npy files it does not hold.
    if (any || (head->result->samples && head->result->samples->count() > 0))
      *why = QStringLiteral(
                 "the group's chains hold its kept samples, and not all %1 are in the list any more: "
                 "save the chains one by one instead")
                 .arg(c.chains);
    return out;
  }
  for (const RunRecord* r : found) {
    out.push_back(r->result);
    *ids << r->id;
  }
  return out;
}

void RunFiles::open(const QString& directory) {
  const QString dir = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
  struct Outcome {
    std::shared_ptr<const bnn::RunResult> result;
    // A K-chain folder (bnn-cli run --chains K, merge): chain-<i>/ in chain order; empty when
    // any of them cannot be read (the pooled result opens alone).
    std::vector<std::shared_ptr<const bnn::RunResult>> chains;
    QString error;
  };
  m_jobs->submit(
      this, QStringLiteral("open/") + dir, {},
      [dir](const JobRunner::CancelCheck&) {
        bnn::Result<bnn::RunResult> r = bnn::readRunResult(dir.toStdString());
        if (!r.ok()) return Outcome{nullptr, {}, QString::fromStdString(r.error().message())};
        Outcome o{std::make_shared<const bnn::RunResult>(std::move(r.value())), {}, QString()};
        const bnn::RunConfig& c = o.result->config;
        if (c.chains > 1 && c.chainIndex < 0)
          for (int64_t i = 0; i < c.chains; ++i) {
            const std::string sub = dir.toStdString() + "/" + bnn::chainFolderName(i);
            bnn::Result<bnn::RunResult> chain = bnn::readRunResult(sub);
            if (!chain.ok() || chain->config.chainIndex != i) {
              o.chains.clear();
              break;
            }
            o.chains.push_back(std::make_shared<const bnn::RunResult>(std::move(chain.value())));
          }
        return o;
      },
      [this, dir](Outcome o) {
        if (!o.result) {
          Q_EMIT openFailed(dir, o.error);
          return;
        }
        const QString name = o.result->config.name.empty() ? QFileInfo(dir).fileName()
                                                           : QString::fromStdString(o.result->config.name);
        if (o.chains.empty()) {
          const QString id = m_model->addLoadedRun(name, std::move(o.result), dir);
          Q_EMIT opened(id, dir);
          return;
        }
        // The group as a K-chain run started here shows it: the pooled row, its chains under it.
        const QString suffix = QStringLiteral(" (%1 chains)").arg(o.chains.size());
        const QString base = name.endsWith(suffix) ? name.chopped(suffix.size()) : name;
        QStringList chainIds;
        for (size_t i = 0; i < o.chains.size(); ++i)
          chainIds << m_model->addLoadedRun(
              QStringLiteral("%1 · chain %2").arg(base).arg(i), o.chains[i],
              dir + QLatin1Char('/') + QString::fromStdString(bnn::chainFolderName(int64_t(i))));
        const QString id = m_model->addPooledRun(base + suffix, std::move(o.result), chainIds, dir);
        Q_EMIT opened(id, dir);
      });
}
