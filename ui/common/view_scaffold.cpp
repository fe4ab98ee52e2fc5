#include "common/view_scaffold.h"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QWidget>

#include "views/run_pair_picker.h"

ViewScaffold makeViewScaffold(QWidget* view) {
  ViewScaffold s;
  auto* outer = new QVBoxLayout(view);
  outer->setContentsMargins(0, 0, 0, 0);
  s.scroll = new QScrollArea(view);
  s.scroll->setWidgetResizable(true);
  s.scroll->setFrameShape(QFrame::NoFrame);
  outer->addWidget(s.scroll);
  s.content = new QWidget;
  s.scroll->setWidget(s.content);
  s.root = new QVBoxLayout(s.content);
  s.root->setContentsMargins(4, 4, 4, 4);
  s.root->setSpacing(4);
  s.header = new QHBoxLayout;
  s.picker = new RunPairPicker(s.content);
  s.header->addWidget(s.picker, 3);
  s.root->addLayout(s.header);
  return s;
}
