// SPDX-License-Identifier: GPL-3.0-or-later
#include "answertext.h"

#include <QCoreApplication>

namespace Switchboard::Gui {

QString answerText(const SessionAnswer &answer, const QString &doneText, const QString &failed)
{
    switch (answer.outcome) {
    case SessionAnswer::Outcome::Done:
        return doneText;
    case SessionAnswer::Outcome::NoAnswer:
        return QCoreApplication::translate("Switchboard::Gui::AnswerText", "No answer yet: %1")
            .arg(answer.error);
    case SessionAnswer::Outcome::NoSession:
    case SessionAnswer::Outcome::Refused:
    case SessionAnswer::Outcome::BadInput:
        break;
    }
    return failed.arg(answer.error);
}

} // namespace Switchboard::Gui
