// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>

#include <functional>

namespace Switchboard::Gui {

/// A small live line chart drawn with QPainter alone: one or more series sharing a y axis, the newest
/// sample on the right, at most capacity() samples kept per series (older ones fall off the left).
/// The caller adds one sample per series per tick (the window does so once a second).
class ChartWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartWidget)
public:
    explicit ChartWidget(const QString &title, QWidget *parent = nullptr);

    /// Adds a series; returns its index for addSample().
    int addSeries(const QString &name, const QColor &color);
    /// Appends one sample to a series.
    void addSample(int series, double value);
    /// How values are written on the axis and in the legend (default: locale number, no decimals).
    void setFormatter(std::function<QString(double)> formatter);
    void setCapacity(int samples);
    int capacity() const { return m_capacity; }
    /// Newest sample of a series (0 when there is none).
    double lastValue(int series) const;
    const QString &title() const { return m_title; }
    /// Drops every sample (series stay).
    void clear();

    QSize sizeHint() const override { return {320, 150}; }
    QSize minimumSizeHint() const override { return {160, 90}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Series
    {
        QString name;
        QColor color;
        QList<double> samples;
    };
    QString format(double value) const;

    QString m_title;
    QList<Series> m_series;
    int m_capacity = 120;
    std::function<QString(double)> m_formatter;
};

/// Horizontal bars with a label and a count each, largest first: "errors by condition".
class BarChartWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BarChartWidget)
public:
    explicit BarChartWidget(const QString &title, QWidget *parent = nullptr);

    /// Replaces the bars (label, value); repaints only when something changed.
    void setValues(const QList<QPair<QString, qint64>> &values);
    const QList<QPair<QString, qint64>> &values() const { return m_values; }
    void setEmptyText(const QString &text) { m_emptyText = text; }

    QSize sizeHint() const override { return {320, 150}; }
    QSize minimumSizeHint() const override { return {160, 90}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_title;
    QString m_emptyText;
    QList<QPair<QString, qint64>> m_values;
};

} // namespace Switchboard::Gui
