#include "probe/probe_result_pane.h"

#include <QLabel>
#include <QVBoxLayout>

#include "probe/probe_bars.h"
#include "probe/sample_strip.h"

ProbeResultPane::ProbeResultPane(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  m_title = new QLabel(this);
  m_title->setTextFormat(Qt::RichText);
  m_title->setWordWrap(true);
  layout->addWidget(m_title);
  m_message = new QLabel(this);
  m_message->setWordWrap(true);
  m_message->setAlignment(Qt::AlignCenter);
  m_message->setMinimumHeight(40);
  layout->addWidget(m_message);
  m_bars = new ProbeBars(this);
  layout->addWidget(m_bars, 1);
  m_summary = new QLabel(this);
  m_summary->setTextFormat(Qt::RichText);
  m_summary->setWordWrap(true);
  m_summary->setToolTip(QStringLiteral(
      "Entropy H[p̄] of the predictive = expected entropy E_s H[p_s] of the samples (what each sample "
      "finds ambiguous) + mutual information (how much the samples disagree: model uncertainty)"));
  layout->addWidget(m_summary);
  m_stripTitle = new QLabel(QStringLiteral("Each kept sample's prediction, in the order taken:"), this);
  layout->addWidget(m_stripTitle);
  m_strip = new SampleStrip(this);
  layout->addWidget(m_strip);
  m_timing = new QLabel(this);
  QPalette pal = m_timing->palette();
  pal.setColor(QPalette::WindowText, pal.color(QPalette::Disabled, QPalette::WindowText));
  m_timing->setPalette(pal);
  layout->addWidget(m_timing);
  setMessage(QStringLiteral("Choose a run with kept samples"));
}

void ProbeResultPane::setRun(const QString& name, const QColor& color, const QString& datasetLabel,
                             const QStringList& classNames, const std::vector<int64_t>& steps) {
  m_names = classNames;
  m_steps = steps;
  m_bars->setColor(color);
  if (name.isEmpty()) {
    m_title->clear();
    return;
  }
  m_title->setText(QStringLiteral("<span style='color:%1'>&#9632;</span> <b>%2</b><br><small>%3</small>")
                       .arg(color.name(), name.toHtmlEscaped(), datasetLabel.toHtmlEscaped()));
  m_title->setToolTip(QStringLiteral("%1\nTrained on %2").arg(name, datasetLabel));
}

void ProbeResultPane::setProbe(const bnn::ImageProbe& probe) {
  m_probe = probe;
  m_hasProbe = true;
  m_message->hide();
  m_bars->show();
  m_summary->show();
  m_stripTitle->show();
  m_strip->show();
  m_bars->setValues(m_names, probe.mean, probe.voteShare, probe.predictedClass);
  std::vector<float> chosen(size_t(probe.samples));
  for (int64_t s = 0; s < probe.samples; ++s)
    chosen[size_t(s)] = probe.probs[size_t(s * probe.classes + probe.predicted[size_t(s)])];
  m_strip->setSamples(probe.predicted, chosen, m_steps, m_names);
  m_summary->setText(summaryText());
  m_timing->setText(QStringLiteral("%1 kept samples, updated in %2 ms")
                        .arg(probe.samples)
                        .arg(probe.seconds * 1000.0, 0, 'f', 1));
}

QString ProbeResultPane::summaryText() const {
  if (!m_hasProbe) return {};
  const bnn::ImageProbe& p = m_probe;
  const QString cls = m_names.value(p.predictedClass, QString::number(p.predictedClass));
  return QStringLiteral(
             "Predicted <b>%1</b> (p̄ = %2, vote share %3%)<br>entropy H[p̄] = %4 nats · "
             "expected entropy %5 · mutual information <b>%6</b> nats")
      .arg(cls.toHtmlEscaped())
      .arg(p.maxProb, 0, 'f', 3)
      .arg(100.0 * p.voteShare[size_t(p.predictedClass)], 0, 'f', 0)
      .arg(p.entropy, 0, 'f', 3)
      .arg(p.expectedEntropy, 0, 'f', 3)
      .arg(p.mutualInformation, 0, 'f', 3);
}

QString ProbeResultPane::messageText() const { return m_message->isHidden() ? QString() : m_message->text(); }

void ProbeResultPane::setMessage(const QString& text) {
  m_hasProbe = false;
  m_message->setText(text);
  m_message->show();
  m_bars->clearValues();
  m_bars->hide();
  m_summary->hide();
  m_stripTitle->hide();
  m_strip->clearSamples();
  m_strip->hide();
  m_timing->clear();
}
