#pragma once
// ElidedLabel: one line of plain text that never asks for more width than `minimumChars`
// characters and elides what does not fit ("Example SG…"), with the whole text as its tooltip.
// Changing the text never changes the size hint, so layouts do not jump as numbers change.
// Threading: GUI thread only.

#include <QFrame>
#include <QString>

class ElidedLabel : public QFrame {
  Q_OBJECT
 public:
  explicit ElidedLabel(const QString& text = {}, QWidget* parent = nullptr);

  void setText(const QString& text);
  const QString& text() const { return m_text; }
  /// Extra tooltip text shown below the full text (e.g. a definition).
  void setToolTipSuffix(const QString& suffix);
  void setElideMode(Qt::TextElideMode mode);
  void setAlignment(Qt::Alignment alignment);
  /// Width the size hint asks for, in average characters (default 12).
  void setMinimumChars(int chars);
  /// True when the text does not fit and is drawn elided.
  bool isElided() const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void updateToolTip();

  QString m_text;
  QString m_tipSuffix;
  Qt::TextElideMode m_mode = Qt::ElideRight;
  Qt::Alignment m_alignment = Qt::AlignLeft | Qt::AlignVCenter;
  int m_minimumChars = 12;
};
