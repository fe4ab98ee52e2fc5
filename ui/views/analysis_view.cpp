#include "views/analysis_view.h"

AnalysisView::AnalysisView(const ViewContext& context, QWidget* parent)
    : QWidget(parent), m_context(context) {}
