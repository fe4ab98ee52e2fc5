#pragma once
// The frame every analysis view with a run picker shares: the whole view in a scroll area (below
// its minimum size the view scrolls, nothing overlaps), a content widget with a vertical root
// layout (4 px margins and spacing), and a header row that starts with a RunPairPicker. The view
// adds its own controls to the header and its body to the root layout:
//
//   const ViewScaffold s = makeViewScaffold(this);
//   m_picker = s.picker;
//   s.header->addWidget(m_export);
//   s.root->addWidget(body, 1);
//
// A view with a header of its own (no run pair: Diagnostics, Sweep) takes only the first half,
// makeScrollFrame: the scroll area, the content widget and the root layout.
//
// Threading: GUI thread only.

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QHBoxLayout;
class QScrollArea;
class QVBoxLayout;
class QWidget;
QT_END_NAMESPACE

class RunPairPicker;

struct ScrollFrame {
  QScrollArea* scroll = nullptr;  // fills the view
  QWidget* content = nullptr;     // the scroll area's widget: the parent of the view's widgets
  QVBoxLayout* root = nullptr;    // content's layout (4 px margins and spacing), empty
};

/// Builds the scroll area, content widget and root layout inside `view` (which must not have a
/// layout yet).
ScrollFrame makeScrollFrame(QWidget* view);

struct ViewScaffold {
  QScrollArea* scroll = nullptr;  // fills the view
  QWidget* content = nullptr;     // the scroll area's widget: the parent of the view's widgets
  QVBoxLayout* root = nullptr;    // content's layout; its first item is `header`
  QHBoxLayout* header = nullptr;  // the picker (stretch 3), then what the view adds
  RunPairPicker* picker = nullptr;
};

/// Builds the frame inside `view` (which must not have a layout yet).
ViewScaffold makeViewScaffold(QWidget* view);
