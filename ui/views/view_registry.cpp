#include "views/view_registry.h"

#include "calibration/calibration_view.h"
#include "charts/accuracy_chart.h"
#include "decisions/decisions_view.h"
#include "explorer/uncertainty_view.h"
#include "lab/diagnostics_view.h"
#include "lab/sweep_view.h"
#include "ood/ood_view.h"
#include "probe/probe_view.h"
#include "shift/shift_view.h"

namespace {

AnalysisView* accuracy(AccuracyChart::Kind kind, const ViewContext& context) {
  return new AccuracyChart(kind, context);
}

}  // namespace

const std::vector<ViewRegistration>& registeredViews() {
  // One line per view, in tab order. A new view: its folder under ui/, an #include above and
  // a line here, e.g. {"calibration", "Calibration", createView<CalibrationView>},
  static const std::vector<ViewRegistration> views{
      {"warmup", "Warm-up", [](const ViewContext& c) { return accuracy(AccuracyChart::Kind::Warmup, c); }},
      {"sampling", "Sampling",
       [](const ViewContext& c) { return accuracy(AccuracyChart::Kind::Sampling, c); }},
      {"comparison", "Comparison",
       [](const ViewContext& c) { return accuracy(AccuracyChart::Kind::Comparison, c); }},
      {"uncertainty", "Uncertainty", createView<UncertaintyView>},
      {"probe", "Draw and probe", createView<ProbeView>},
      {"calibration", "Calibration", createView<CalibrationView>},
      {"decisions", "Decisions", createView<DecisionsView>},
      {"ood", "OOD", createView<OodView>},
      {"shift", "Shift", createView<ShiftView>},
      {"diagnostics", "Diagnostics", createView<DiagnosticsView>},
      {"sweep", "Sweep", createView<SweepView>},
  };
  return views;
}

const ViewRegistration* findView(const QString& key) {
  for (const ViewRegistration& v : registeredViews())
    if (v.key == key) return &v;
  return nullptr;
}

QStringList viewKeys() {
  QStringList keys;
  for (const ViewRegistration& v : registeredViews()) keys << v.key;
  return keys;
}
