#pragma once
// The registered analysis views: one line each in view_registry.cpp gives a view its key (for
// --view and the settings), its tab title and its factory. Tabs appear in this order; the View
// menu gets Ctrl+1, Ctrl+2, ... in the same order. Thread-safe (immutable after first use).

#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

#include "views/analysis_view.h"

struct ViewRegistration {
  QString key;    // "uncertainty": --view uncertainty
  QString title;  // "Uncertainty": the tab
  std::function<AnalysisView*(const ViewContext&)> create;
};

/// Every view, in tab order.
const std::vector<ViewRegistration>& registeredViews();
const ViewRegistration* findView(const QString& key);
QStringList viewKeys();

/// The factory of a view class constructible from a ViewContext.
template <class View>
AnalysisView* createView(const ViewContext& context) {
  return new View(context);
}
