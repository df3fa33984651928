// SPDX-License-Identifier: GPL-3.0-or-later
// CORS origin allowlist patterns (Fetch standard, CORS): '*' any run, '?' one character, whole string,
// ASCII case-insensitive; an empty allowlist allows every origin.
#include "base/config.h"
#include "http/cors.h"
#include "http/httpserver.h"

#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Http;

class tst_HttpOrigin : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void patterns_data();
    void patterns();
    void allowlist_data();
    void allowlist();
    void requestHeadersEcho_data();
    void requestHeadersEcho();
};

void tst_HttpOrigin::patterns_data()
{
    QTest::addColumn<QByteArray>("pattern");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("matches");
    QTest::newRow("exact") << QByteArray("https://example.com") << QByteArray("https://example.com") << true;
    QTest::newRow("case") << QByteArray("https://Example.com") << QByteArray("HTTPS://EXAMPLE.COM") << true;
    QTest::newRow("prefix only") << QByteArray("https://example.com")
                                 << QByteArray("https://example.com.evil") << false;
    QTest::newRow("shorter") << QByteArray("https://example.com") << QByteArray("https://example.co")
                             << false;
    QTest::newRow("subdomain star") << QByteArray("https://*.example.com")
                                    << QByteArray("https://a.example.com") << true;
    QTest::newRow("deep subdomain") << QByteArray("https://*.example.com")
                                    << QByteArray("https://a.b.example.com") << true;
    QTest::newRow("star needs the dot")
        << QByteArray("https://*.example.com") << QByteArray("https://example.com") << false;
    QTest::newRow("star other suffix")
        << QByteArray("https://*.example.com") << QByteArray("https://a.example.com.evil.org") << false;
    QTest::newRow("star other scheme")
        << QByteArray("https://*.example.com") << QByteArray("http://a.example.com") << false;
    QTest::newRow("lone star") << QByteArray("*") << QByteArray("null") << true;
    QTest::newRow("star empty run") << QByteArray("https://a*b.org") << QByteArray("https://ab.org") << true;
    QTest::newRow("two stars") << QByteArray("*://*.example.*") << QByteArray("wss://x.example.net") << true;
    QTest::newRow("backtracking") << QByteArray("*ab*abc") << QByteArray("xxabyyabababc") << true;
    QTest::newRow("backtracking fails") << QByteArray("*ab*abc") << QByteArray("xxabyyababab") << false;
    QTest::newRow("question one char")
        << QByteArray("http://localhost:808?") << QByteArray("http://localhost:8081") << true;
    QTest::newRow("question not zero")
        << QByteArray("http://localhost:808?") << QByteArray("http://localhost:808") << false;
    QTest::newRow("question not two")
        << QByteArray("http://localhost:808?") << QByteArray("http://localhost:80811") << false;
    QTest::newRow("empty pattern") << QByteArray() << QByteArray("https://a") << false;
    QTest::newRow("empty both") << QByteArray() << QByteArray() << true;
    QTest::newRow("star vs empty") << QByteArray("*") << QByteArray() << true;
}

void tst_HttpOrigin::patterns()
{
    QFETCH(QByteArray, pattern);
    QFETCH(QByteArray, origin);
    QFETCH(bool, matches);
    QCOMPARE(originMatches(pattern, origin), matches);
}

void tst_HttpOrigin::allowlist_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("result");
    const QStringList two{QStringLiteral("https://*.example.com"), QStringLiteral("http://localhost:*")};
    QTest::newRow("empty list allows all") << QStringList() << QByteArray("https://any.where") << true;
    QTest::newRow("first") << two << QByteArray("https://chat.example.com") << true;
    QTest::newRow("second") << two << QByteArray("http://localhost:3000") << true;
    QTest::newRow("neither") << two << QByteArray("https://localhost:3000") << false;
}

void tst_HttpOrigin::allowlist()
{
    QFETCH(QStringList, allowed);
    QFETCH(QByteArray, origin);
    QFETCH(bool, result);
    Config config;
    config.allowedOrigins = allowed;
    HttpServer server(config);
    QCOMPARE(server.originAllowed(origin), result);
    QCOMPARE(originAllowedBy(allowed, origin), result);
}

void tst_HttpOrigin::requestHeadersEcho_data()
{
    QTest::addColumn<QByteArray>("requested");
    QTest::addColumn<QByteArray>("allowed");
    QTest::newRow("none") << QByteArray() << QByteArray("Content-Type");
    QTest::newRow("list") << QByteArray("content-type,x-requested-with")
                          << QByteArray("content-type,x-requested-with");
    QTest::newRow("trimmed") << QByteArray("  content-type ") << QByteArray("content-type");
    QTest::newRow("not tokens") << QByteArray("x:y") << QByteArray("Content-Type");
    QTest::newRow("too long") << QByteArray(2000, 'a') << QByteArray("Content-Type");
}

void tst_HttpOrigin::requestHeadersEcho()
{
    QFETCH(QByteArray, requested);
    QFETCH(QByteArray, allowed);
    QCOMPARE(allowedRequestHeaders(requested), allowed);
}

QTEST_GUILESS_MAIN(tst_HttpOrigin)
#include "tst_http_origin.moc"
