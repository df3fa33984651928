// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/compression.h"

#include <QList>

#include <zlib.h>

#include <limits>

namespace Switchboard::Http {

namespace {

// Parses a weight "q=0.5" (RFC 9110 §12.4.2) as thousandths; -1 when malformed.
int parseQValue(QByteArrayView value)
{
    value = value.trimmed();
    if (value.isEmpty() || value.size() > 5)
        return -1;
    if (value[0] != '0' && value[0] != '1')
        return -1;
    int result = (value[0] - '0') * 1000;
    if (value.size() == 1)
        return result;
    if (value[1] != '.')
        return -1;
    int scale = 100;
    for (qsizetype i = 2; i < value.size(); ++i, scale /= 10) {
        if (value[i] < '0' || value[i] > '9')
            return -1;
        result += (value[i] - '0') * scale;
    }
    return result > 1000 ? -1 : result;
}

} // namespace

ContentCoding negotiateContentCoding(QByteArrayView acceptEncoding)
{
    // Weights in thousandths; -1 = not mentioned.
    int gzip = -1;
    int deflate = -1;
    int any = -1;
    qsizetype start = 0;
    while (start < acceptEncoding.size()) {
        qsizetype end = acceptEncoding.indexOf(',', start);
        if (end < 0)
            end = acceptEncoding.size();
        QByteArrayView item = acceptEncoding.sliced(start, end - start);
        start = end + 1;

        int weight = 1000;
        const qsizetype semicolon = item.indexOf(';');
        if (semicolon >= 0) {
            // Only the q parameter is defined for Accept-Encoding.
            QByteArrayView params = item.sliced(semicolon + 1).trimmed();
            item = item.first(semicolon);
            if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=')
                weight = parseQValue(params.sliced(2));
            if (weight < 0)
                continue; // malformed weight: ignore the item
        }
        item = item.trimmed();
        const QByteArray token = item.toByteArray().toLower();
        // "x-gzip" is an alias of gzip (RFC 9110 §8.4.1.3).
        if (token == "gzip" || token == "x-gzip")
            gzip = qMax(gzip, weight);
        else if (token == "deflate")
            deflate = qMax(deflate, weight);
        else if (token == "*")
            any = weight;
    }
    if (gzip < 0)
        gzip = any;
    if (deflate < 0)
        deflate = any;
    if (gzip <= 0 && deflate <= 0)
        return ContentCoding::Identity;
    return gzip >= deflate ? ContentCoding::Gzip : ContentCoding::Deflate;
}

QByteArray contentCodingName(ContentCoding coding)
{
    switch (coding) {
    case ContentCoding::Gzip:
        return QByteArrayLiteral("gzip");
    case ContentCoding::Deflate:
        return QByteArrayLiteral("deflate");
    case ContentCoding::Identity:
        break;
    }
    return {};
}

QByteArray compressBody(QByteArrayView data, ContentCoding coding)
{
    if (coding == ContentCoding::Identity)
        return {};
    if (data.size() > std::numeric_limits<uInt>::max() / 2)
        return {};
    z_stream stream{};
    // zlib manual: windowBits 15 writes a zlib wrapper, 15 + 16 = 31 a gzip wrapper.
    const int windowBits = coding == ContentCoding::Gzip ? 31 : 15;
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out;
    out.resize(qsizetype(deflateBound(&stream, uLong(data.size()))) + 32); // + gzip header/trailer slack
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    const qsizetype produced = qsizetype(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        return {};
    out.truncate(produced);
    return out;
}

} // namespace Switchboard::Http
