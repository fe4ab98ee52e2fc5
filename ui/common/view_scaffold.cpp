#include "common/view_scaffold.h"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QWidget>

#include "views/run_pair_picker.h"

ScrollFrame makeScrollFrame(QWidget* view) {
  ScrollFrame f;
  auto* outer = new QVBoxLayout(view);
  outer->setContentsMargins(0, 0, 0, 0);
  f.scroll = new QScrollArea(view);
  f.scroll->setWidgetResizable(true);
  f.scroll->setFrameShape(QFrame::NoFrame);
  outer->addWidget(f.scroll);
  f.content = new QWidget;
  f.scroll->setWidget(f.content);
  f.root = new QVBoxLayout(f.content);
  f.root->setContentsMargins(4, 4, 4, 4);
  f.root->setSpacing(4);
  return f;
}

ViewScaffold makeViewScaffold(QWidget* view) {
  const ScrollFrame f = makeScrollFrame(view);
  ViewScaffold s;
  s.scroll = f.scroll;
  s.content = f.content;
  s.root = f.root;
  s.header = new QHBoxLayout;
  s.picker = new RunPairPicker(s.content);
  s.header->addWidget(s.picker, 3);
  s.root->addLayout(s.header);
  return s;
}
