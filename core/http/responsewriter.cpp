// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/responsewriter.h"

#include "base/config.h"
#include "http/compression.h"
#include "http/cors.h"

#include <QDateTime>
#include <QLocale>

#include <charconv>

namespace Switchboard::Http {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

/// IMF-fixdate (RFC 9110 §5.6.7), computed at most once per second on each thread: every worker
/// answers on its own thread, so the cache is per thread (one shared by all was a data race between
/// workers, which ThreadSanitizer reported with two workers).
QByteArray httpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
    }
    return cached;
}

/// `value` in decimal, formatted on the stack (QByteArray::number would allocate an array of its own).
void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    Q_UNUSED(error) // 24 characters hold every qint64
    out.append(digits, end - digits);
}

/// Header names/values the handler gives us must not break the framing (no CR/LF injection).
bool isSafeHeaderText(QByteArrayView text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

/// Headers the connection alone decides: message framing and connection management (RFC 9112 §6, §9).
bool isFramingHeader(QByteArrayView name)
{
    return equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "transfer-encoding") ||
           equalsIgnoringCase(name, "connection") || equalsIgnoringCase(name, "keep-alive");
}

} // namespace

QByteArray ResponseWriter::serialize(const ResponseContext &context, Response response, bool close,
                                     Framing framing) const
{
    // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content and no Content-Length (for 204).
    const int status = response.status;
    const bool noContent = (status >= 100 && status < 200) || status == 204 || status == 304;
    QByteArray body = noContent ? QByteArray() : std::move(response.body);
    QByteArray contentEncoding;
    // What the response varies with (RFC 9110 §12.5.5): at most these two, in this order.
    bool varyOrigin = false;
    bool varyEncoding = false;

    // RFC 9110 §12.5.3: compress when the client accepts it and it is worth it.
    if (!noContent && response.compressible && m_config.compression &&
        body.size() >= qMax(1, m_config.compressionMinSize)) {
        varyEncoding = true;
        const ContentCoding coding = negotiateContentCoding(context.acceptEncoding);
        if (coding != ContentCoding::Identity) {
            QByteArray compressed = compressBody(body, coding);
            if (!compressed.isNull() && compressed.size() < body.size()) {
                body = std::move(compressed);
                contentEncoding = contentCodingName(coding);
            }
        }
    }

    QByteArray out;
    out.reserve(body.size() + 512);
    const bool http10 = context.versionMajor == 1 && context.versionMinor == 0;
    out += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    appendNumber(out, status);
    out += ' ' + reasonPhrase(status) + "\r\n";
    if (!noContent) {
        if (!response.contentType.isEmpty() && isSafeHeaderText(response.contentType))
            out += "Content-Type: " + response.contentType + "\r\n";
        // Never chunked (XEP-0124 §5 asks for Content-Length); HEAD gets the length the GET would have had
        // (RFC 9110 §8.6). Only a streamed answer (Exchange::startStream) is chunked, or ends with the
        // connection.
        if (framing == Framing::Length) {
            out += "Content-Length: ";
            appendNumber(out, body.size());
            out += "\r\n";
        } else if (framing == Framing::Chunked)
            out += "Transfer-Encoding: chunked\r\n";
    }
    if (!contentEncoding.isEmpty())
        out += "Content-Encoding: " + contentEncoding + "\r\n";
    out += "Date: " + httpDate() + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    else if (http10)
        out += "Connection: keep-alive\r\n"; // RFC 9112 §9.3: a 1.0 client must be told it persists

    // CORS (Fetch standard) on every response to an allowed origin, except on paths the policy excludes.
    if (context.cors && !context.origin.isNull() &&
        originAllowedBy(m_config.allowedOrigins, context.origin)) {
        const QByteArray allow = m_config.allowedOrigins.isEmpty() ? QByteArrayLiteral("*") : context.origin;
        if (isSafeHeaderText(allow)) {
            out += "Access-Control-Allow-Origin: " + allow + "\r\n";
            varyOrigin = true;
        }
    }
    for (const auto &[name, value] : std::as_const(response.headers)) {
        if (name.isEmpty() || isFramingHeader(name) || !isSafeHeaderText(name) || !isSafeHeaderText(value))
            continue;
        out += name + ": " + value + "\r\n";
    }
    if (varyOrigin || varyEncoding) {
        out += "Vary: ";
        out += varyOrigin && varyEncoding ? "Origin, Accept-Encoding"
               : varyOrigin               ? "Origin"
                                          : "Accept-Encoding";
        out += "\r\n";
    }
    for (const auto &[name, value] : m_config.httpHeaders) {
        if (name.isEmpty() || !isSafeHeaderText(name) || !isSafeHeaderText(value))
            continue;
        out += name + ": " + value + "\r\n";
    }
    out += "\r\n";
    if (!context.head)
        out += body;
    return out;
}

QByteArray ResponseWriter::chunk(QByteArrayView data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data.toByteArray() + "\r\n";
}

QByteArray ResponseWriter::lastChunk()
{
    return QByteArrayLiteral("0\r\n\r\n");
}

QByteArray ResponseWriter::interim(int status)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n\r\n";
}

QByteArray ResponseWriter::refusal(int status, QByteArrayView reason, const HeaderList &extraHeaders)
{
    const QByteArray body = reason.toByteArray() + '\n';
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
        "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n";
    for (const auto &[name, value] : extraHeaders)
        out += name + ": " + value + "\r\n";
    out += "Connection: close\r\n\r\n" + body;
    return out;
}

} // namespace Switchboard::Http
