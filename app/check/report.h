// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Switchboard::Check {

/// The requirement level of a rule, as its spec words it (RFC 2119).
enum class Level { Must, Should, May };
/// PASS: the endpoint did what the clause asks. FAIL: it did not (for a MAY: the optional feature is
/// not offered). SKIP: the rule could not be judged (a step it needs failed, or no input for it).
enum class Status { Pass, Fail, Skip };

struct Result
{
    QString rule;   ///< stable id, e.g. "bosh.rid.resend"
    QString clause; ///< e.g. "XEP-0124 §14.3"
    Level level = Level::Must;
    Status status = Status::Skip;
    QString seen; ///< what the endpoint did, in a sentence
};

/// The results of one run, in the order the rules ran, and their three renderings. Plain value type;
/// used from the main thread only.
class Report
{
public:
    void add(const QString &rule, const QString &clause, Level level, Status status, const QString &seen);
    void pass(const QString &rule, const QString &clause, Level level, const QString &seen)
    {
        add(rule, clause, level, Status::Pass, seen);
    }
    void fail(const QString &rule, const QString &clause, Level level, const QString &seen)
    {
        add(rule, clause, level, Status::Fail, seen);
    }
    void skip(const QString &rule, const QString &clause, Level level, const QString &seen)
    {
        add(rule, clause, level, Status::Skip, seen);
    }
    /// PASS when `ok`, else FAIL; `seen` either way.
    void judge(const QString &rule, const QString &clause, Level level, bool ok, const QString &seen)
    {
        add(rule, clause, level, ok ? Status::Pass : Status::Fail, seen);
    }
    /// A rule judged only after an earlier step: SKIP with `missing` (what that step did not give) when
    /// `ran` is false; otherwise PASS with `passed` when `ok`, else FAIL with `seen`.
    void judgeAfter(const QString &rule, const QString &clause, Level level, bool ran, const QString &missing,
                    bool ok, const QString &passed, const QString &seen)
    {
        if (!ran)
            skip(rule, clause, level, missing);
        else
            add(rule, clause, level, ok ? Status::Pass : Status::Fail, ok ? passed : seen);
    }

    const QList<Result> &results() const { return m_results; }
    /// True when a MUST or SHOULD rule failed: the exit code is then non-zero.
    bool failed() const;

    QByteArray table() const; ///< fixed-width text, one line per rule, then the totals
    QByteArray json() const;  ///< {"results":[{rule,status,level,clause,seen}...],"summary":{...}}
    QByteArray junit() const; ///< one testsuite, one testcase per rule; FAIL of MUST/SHOULD is a failure

    static QString levelName(Level level);
    static QString statusName(Status status);

private:
    QList<Result> m_results;
};

} // namespace Switchboard::Check
