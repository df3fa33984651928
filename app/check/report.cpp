// SPDX-License-Identifier: GPL-3.0-or-later
#include "report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QXmlStreamWriter>

namespace Switchboard::Check {

void Report::add(const QString &rule, const QString &clause, Level level, Status status, const QString &seen)
{
    m_results.append(Result{rule, clause, level, status, seen.simplified()});
}

bool Report::failed() const
{
    for (const Result &result : m_results) {
        if (result.status == Status::Fail && result.level != Level::May)
            return true;
    }
    return false;
}

QString Report::levelName(Level level)
{
    switch (level) {
    case Level::Must:
        return QStringLiteral("MUST");
    case Level::Should:
        return QStringLiteral("SHOULD");
    case Level::May:
        return QStringLiteral("MAY");
    }
    return {};
}

QString Report::statusName(Status status)
{
    switch (status) {
    case Status::Pass:
        return QStringLiteral("PASS");
    case Status::Fail:
        return QStringLiteral("FAIL");
    case Status::Skip:
        return QStringLiteral("SKIP");
    }
    return {};
}

QByteArray Report::table() const
{
    qsizetype ruleWidth = 4;
    qsizetype clauseWidth = 6;
    for (const Result &result : m_results) {
        ruleWidth = qMax(ruleWidth, result.rule.size());
        clauseWidth = qMax(clauseWidth, result.clause.size());
    }
    QString out = QStringLiteral("STATUS LEVEL  ") + QStringLiteral("RULE").leftJustified(ruleWidth) + u"  " +
                  QStringLiteral("CLAUSE").leftJustified(clauseWidth) + u"  SEEN\n";
    int counts[3] = {0, 0, 0};
    for (const Result &result : m_results) {
        ++counts[int(result.status)];
        out += statusName(result.status).leftJustified(7) + levelName(result.level).leftJustified(7) +
               result.rule.leftJustified(ruleWidth) + u"  " + result.clause.leftJustified(clauseWidth) +
               u"  " + result.seen + u'\n';
    }
    out += u'\n' + QString::number(counts[int(Status::Pass)]) + u" passed, " +
           QString::number(counts[int(Status::Fail)]) + u" failed, " +
           QString::number(counts[int(Status::Skip)]) + u" skipped; " +
           (failed() ? u"a MUST or SHOULD failed" : u"every MUST and SHOULD judged passed") + u'\n';
    return out.toUtf8();
}

QByteArray Report::json() const
{
    QJsonArray results;
    int counts[3] = {0, 0, 0};
    for (const Result &result : m_results) {
        ++counts[int(result.status)];
        results.append(QJsonObject{{QStringLiteral("rule"), result.rule},
                                   {QStringLiteral("status"), statusName(result.status)},
                                   {QStringLiteral("level"), levelName(result.level)},
                                   {QStringLiteral("clause"), result.clause},
                                   {QStringLiteral("seen"), result.seen}});
    }
    const QJsonObject summary{{QStringLiteral("pass"), counts[int(Status::Pass)]},
                              {QStringLiteral("fail"), counts[int(Status::Fail)]},
                              {QStringLiteral("skip"), counts[int(Status::Skip)]},
                              {QStringLiteral("failed"), failed()}};
    return QJsonDocument(
               QJsonObject{{QStringLiteral("results"), results}, {QStringLiteral("summary"), summary}})
        .toJson(QJsonDocument::Indented);
}

QByteArray Report::junit() const
{
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    int failures = 0;
    int skipped = 0;
    for (const Result &result : m_results) {
        failures += result.status == Status::Fail && result.level != Level::May;
        skipped += result.status == Status::Skip;
    }
    xml.writeStartElement(QStringLiteral("testsuite"));
    xml.writeAttribute(QStringLiteral("name"), QStringLiteral("switchboard-check"));
    xml.writeAttribute(QStringLiteral("tests"), QString::number(m_results.size()));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
    for (const Result &result : m_results) {
        xml.writeStartElement(QStringLiteral("testcase"));
        xml.writeAttribute(QStringLiteral("classname"), result.rule.section(u'.', 0, 0));
        xml.writeAttribute(QStringLiteral("name"), result.rule);
        const QString message = levelName(result.level) + u" (" + result.clause + u"): " + result.seen;
        if (result.status == Status::Skip) {
            xml.writeStartElement(QStringLiteral("skipped"));
            xml.writeAttribute(QStringLiteral("message"), message);
            xml.writeEndElement();
        } else if (result.status == Status::Fail && result.level != Level::May) {
            xml.writeStartElement(QStringLiteral("failure"));
            xml.writeAttribute(QStringLiteral("message"), message);
            xml.writeEndElement();
        } else {
            // A PASS, or an optional feature not offered: recorded, not a failure.
            xml.writeTextElement(QStringLiteral("system-out"), statusName(result.status) + u' ' + message);
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

} // namespace Switchboard::Check
