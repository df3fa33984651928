// SPDX-License-Identifier: GPL-3.0-or-later
#include "chartwidget.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace Switchboard::Gui {

namespace {

/// The smallest "round" number (1, 2, 5 × 10^n) at or above `value`, so the axis reads well.
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

void paintFrame(QPainter &painter, const QRect &rect, const QPalette &palette)
{
    painter.setPen(palette.color(QPalette::Mid));
    painter.setBrush(palette.color(QPalette::Base));
    painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
}

} // namespace

ChartWidget::ChartWidget(const QString &title, QWidget *parent) : QWidget(parent), m_title(title)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

int ChartWidget::addSeries(const QString &name, const QColor &color)
{
    m_series.append(Series{name, color, {}});
    return int(m_series.size() - 1);
}

void ChartWidget::addSample(int series, double value)
{
    if (series < 0 || series >= m_series.size())
        return;
    QList<double> &samples = m_series[series].samples;
    samples.append(value);
    if (samples.size() > m_capacity)
        samples.remove(0, samples.size() - m_capacity);
    update();
}

void ChartWidget::setFormatter(std::function<QString(double)> formatter)
{
    m_formatter = std::move(formatter);
    update();
}

void ChartWidget::setCapacity(int samples)
{
    m_capacity = std::max(2, samples);
    for (Series &series : m_series) {
        if (series.samples.size() > m_capacity)
            series.samples.remove(0, series.samples.size() - m_capacity);
    }
    update();
}

double ChartWidget::lastValue(int series) const
{
    if (series < 0 || series >= m_series.size() || m_series[series].samples.isEmpty())
        return 0;
    return m_series[series].samples.last();
}

void ChartWidget::clear()
{
    for (Series &series : m_series)
        series.samples.clear();
    update();
}

QString ChartWidget::format(double value) const
{
    if (m_formatter)
        return m_formatter(value);
    return QLocale().toString(value, 'f', value < 10 && value != std::floor(value) ? 1 : 0);
}

void ChartWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    paintFrame(painter, rect(), pal);

    const QFontMetrics metrics = fontMetrics();
    const int margin = 8;
    const int lineHeight = metrics.height();

    // Title on the left, the newest value of each series on the right in its colour.
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRect(margin, margin, width() - 2 * margin, lineHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, m_title);
    painter.setFont(font());
    int right = width() - margin;
    for (qsizetype s = m_series.size() - 1; s >= 0; --s) {
        const Series &series = m_series[s];
        const QString text = (m_series.size() > 1 ? series.name + QLatin1String(": ") : QString()) +
                             format(series.samples.isEmpty() ? 0 : series.samples.last());
        const int w = metrics.horizontalAdvance(text);
        painter.setPen(series.color);
        painter.drawText(QRect(right - w, margin, w, lineHeight), Qt::AlignRight | Qt::AlignVCenter, text);
        right -= w + metrics.horizontalAdvance(QLatin1String("   "));
    }

    // The plot area below the header; the y axis runs from 0 to a round maximum.
    double maximum = 0;
    for (const Series &series : m_series) {
        for (const double value : series.samples)
            maximum = std::max(maximum, value);
    }
    maximum = niceCeiling(maximum);
    const QString maxLabel = format(maximum);
    const int axisWidth = metrics.horizontalAdvance(maxLabel) + 6;
    const QRectF plot(margin + axisWidth, margin + lineHeight + 6, width() - 2 * margin - axisWidth,
                      height() - 2 * margin - lineHeight - 6);
    if (plot.width() < 10 || plot.height() < 10)
        return;

    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(90);
    painter.setPen(QPen(grid, 1, Qt::DotLine));
    for (int i = 0; i <= 4; ++i) {
        const double y = plot.top() + plot.height() * i / 4.0;
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(QRectF(margin, plot.top() - lineHeight / 2.0, axisWidth - 4, lineHeight),
                     Qt::AlignRight | Qt::AlignVCenter, maxLabel);
    painter.drawText(QRectF(margin, plot.bottom() - lineHeight / 2.0, axisWidth - 4, lineHeight),
                     Qt::AlignRight | Qt::AlignVCenter, format(0));

    const double step = plot.width() / std::max(1, m_capacity - 1);
    for (const Series &series : m_series) {
        if (series.samples.isEmpty())
            continue;
        QPainterPath line;
        const qsizetype count = series.samples.size();
        for (qsizetype i = 0; i < count; ++i) {
            const double x = plot.right() - double(count - 1 - i) * step;
            const double y = plot.bottom() - plot.height() * series.samples[i] / maximum;
            if (i == 0)
                line.moveTo(x, y);
            else
                line.lineTo(x, y);
        }
        QPainterPath area = line;
        area.lineTo(plot.right(), plot.bottom());
        area.lineTo(plot.right() - double(count - 1) * step, plot.bottom());
        area.closeSubpath();
        QColor fill = series.color;
        fill.setAlpha(m_series.size() > 1 ? 35 : 60);
        painter.fillPath(area, fill);
        painter.setPen(QPen(series.color, 1.6));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(line);
    }
}

BarChartWidget::BarChartWidget(const QString &title, QWidget *parent) : QWidget(parent), m_title(title)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void BarChartWidget::setValues(const QList<QPair<QString, qint64>> &values)
{
    QList<QPair<QString, qint64>> sorted = values;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    if (sorted == m_values)
        return;
    m_values = sorted;
    update();
}

void BarChartWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    paintFrame(painter, rect(), pal);

    const QFontMetrics metrics = fontMetrics();
    const int margin = 8;
    const int lineHeight = metrics.height();
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRect(margin, margin, width() - 2 * margin, lineHeight),
                     Qt::AlignLeft | Qt::AlignVCenter, m_title);
    painter.setFont(font());

    const int top = margin + lineHeight + 6;
    if (m_values.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(QRect(margin, top, width() - 2 * margin, height() - top - margin), Qt::AlignCenter,
                         m_emptyText);
        return;
    }
    qint64 maximum = 1;
    int labelWidth = 0;
    for (const auto &[label, value] : m_values) {
        maximum = std::max(maximum, value);
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(label));
    }
    labelWidth = std::min(labelWidth + 8, width() / 2);
    const int countWidth = metrics.horizontalAdvance(QLocale().toString(maximum)) + 8;
    const int barHeight = lineHeight + 2;
    const int rows = std::max(1, (height() - top - margin) / (barHeight + 3));
    const QColor barColor = QColor::fromString(QLatin1String("#d9534f"));
    int y = top;
    for (qsizetype i = 0; i < m_values.size() && i < rows; ++i) {
        const auto &[label, value] = m_values[i];
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRect(margin, y, labelWidth - 8, barHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(label, Qt::ElideRight, labelWidth - 8));
        const int barSpace = width() - 2 * margin - labelWidth - countWidth;
        const int w = std::max(2, int(double(barSpace) * double(value) / double(maximum)));
        painter.fillRect(QRect(margin + labelWidth, y + 2, w, barHeight - 4), barColor);
        painter.drawText(QRect(margin + labelWidth + w + 4, y, countWidth, barHeight),
                         Qt::AlignLeft | Qt::AlignVCenter, QLocale().toString(value));
        y += barHeight + 3;
    }
}

} // namespace Switchboard::Gui
