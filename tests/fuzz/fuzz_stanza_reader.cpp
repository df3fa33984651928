// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the server-stream splitter (StanzaReader), fed the input in pieces whose sizes come
// from the input itself, as a socket would deliver it. Each element it emits must be standalone XML, and
// the same as when the input comes whole.
#include "xmpp/stanzareader.h"

#include <QByteArrayList>
#include <QXmlStreamReader>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte picks the split size (1..64 bytes, or everything at once for 0).
    const int split = data[0] % 65;
    QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    Switchboard::Xmpp::StanzaReader reader(8192);
    QList<Switchboard::Xmpp::StanzaReader::Event> events;
    while (!input.isEmpty() && !reader.hasFailed()) {
        const qsizetype n = split == 0 ? input.size() : qMin<qsizetype>(split, input.size());
        reader.feed(input.first(n), events);
        input = input.sliced(n);
        (void)reader.isMidElement();
    }
    // The split must not matter (the parser is given back between elements and borrowed again with
    // the stream header replayed): a stream read without an error gives the same elements whole.
    const auto elements = [](const QList<Switchboard::Xmpp::StanzaReader::Event> &list, bool *failed) {
        QByteArrayList out;
        for (const auto &event : list) {
            if (event.type == Switchboard::Xmpp::StanzaReader::Event::Element)
                out.append(event.xml);
            if (event.type == Switchboard::Xmpp::StanzaReader::Event::Error)
                *failed = true;
        }
        return out;
    };
    if (split != 0) {
        Switchboard::Xmpp::StanzaReader whole(8192);
        QList<Switchboard::Xmpp::StanzaReader::Event> wholeEvents;
        whole.feed(QByteArrayView(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1)),
                   wholeEvents);
        bool splitFailed = false;
        bool wholeFailed = false;
        const QByteArrayList splitElements = elements(events, &splitFailed);
        const QByteArrayList wholeElements = elements(wholeEvents, &wholeFailed);
        if (!splitFailed && !wholeFailed && splitElements != wholeElements)
            __builtin_trap();
    }
    for (const auto &event : std::as_const(events)) {
        if (event.type != Switchboard::Xmpp::StanzaReader::Event::Element)
            continue;
        QXmlStreamReader xml(event.xml);
        while (!xml.atEnd())
            xml.readNext();
        if (xml.hasError())
            __builtin_trap(); // an emitted element must be well-formed on its own
    }
    return 0;
}
