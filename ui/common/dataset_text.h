#pragma once
// How the application names a dataset wherever a run or an evaluation is shown (run list,
// progress rows, chart legends, tooltips): its name and how it was recognised, short enough for
// a column or a legend.
//   datasetShortLabel("MNIST", Verified)        "MNIST (verified)"
//   datasetShortLabel("Fashion-MNIST", Differs)  "Fashion-MNIST (files differ)"
//   datasetShortLabel("letters", ClassFile)      "letters (classes.txt)"
//   datasetShortLabel("my-set", Unknown)         "my-set (unrecognised IDX set)"
// An empty name (a hand-made result) gives "". The tooltip form adds the folder and the
// sentence of dataset_identity.h ("checksums verified").
// Pure functions; thread-safe.

#include <QString>
#include <string>

#include "data/dataset.h"

namespace bnn {
struct RunResult;
}

QString datasetShortLabel(const std::string& name, bnn::DatasetCheck check);
QString datasetShortLabel(const bnn::RunResult& result);
QString datasetShortLabel(const bnn::Dataset& data);
/// "Fashion-MNIST: checksums verified\nFolder: …" (the folder as displayPath shows it).
QString datasetToolTip(const std::string& name, bnn::DatasetCheck check, const std::string& directory);
QString datasetToolTip(const bnn::RunResult& result);
QString datasetToolTip(const bnn::Dataset& data);
