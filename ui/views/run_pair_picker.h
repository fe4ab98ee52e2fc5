#pragma once
// RunPairPicker: "Run [..] ⇄ Compare with [..]" for views that show one run and optionally a
// second one overlaid. Entries carry the run's colour; long names are shortened in the box and
// shown whole in the list and the tooltip. Updating the entries keeps the user's choice and
// does not disturb an open list (items change in place when only labels change).
// Threading: GUI thread only.

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QToolButton;
QT_END_NAMESPACE

class RunPairPicker : public QWidget {
  Q_OBJECT
 public:
  struct Entry {
    QString id;
    QString label;  // name, possibly with a note: "Example SGLD (nothing sampled yet)"
    QColor color;
    bool operator==(const Entry& o) const { return id == o.id && label == o.label && color == o.color; }
  };

  explicit RunPairPicker(QWidget* parent = nullptr);

  /// Sets the entries and the current choice (empty comparison: none).
  void setEntries(const QList<Entry>& entries, const QString& primary, const QString& comparison);
  QString primary() const;
  QString comparison() const;
  QComboBox* primaryBox() const { return m_primary; }
  QComboBox* comparisonBox() const { return m_comparison; }

 Q_SIGNALS:
  /// The user chose a run (not sent by setEntries).
  void primaryChosen(const QString& id);
  void comparisonChosen(const QString& id);  // "" for none
  void swapRequested();

 private:
  static void fill(QComboBox* box, const QList<Entry>& entries, bool withNone);

  QComboBox* m_primary = nullptr;
  QComboBox* m_comparison = nullptr;
  QToolButton* m_swap = nullptr;
};
