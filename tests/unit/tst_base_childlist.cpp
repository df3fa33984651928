// SPDX-License-Identifier: GPL-3.0-or-later
// squeezeChildListWhenSparse(): a long-lived parent's children list goes back to a small size after a
// wave of children came and went, and Qt deleting the children with their parent is left alone.
#include "base/childlist.h"

#include <QChildEvent>
#include <QObject>
#include <QPointer>
#include <QTest>

using namespace Switchboard;

namespace {

class Parent final : public QObject
{
public:
    explicit Parent(bool squeeze) : m_squeeze(squeeze) {}

protected:
    void childEvent(QChildEvent *event) override
    {
        if (m_squeeze)
            squeezeChildListWhenSparse(this, event);
        QObject::childEvent(event);
    }

private:
    bool m_squeeze;
};

} // namespace

class tst_BaseChildList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listShrinksAfterAWave();
    void smallListsAreLeftAlone();
    void childrenDeletedWithTheParent();
};

void tst_BaseChildList::listShrinksAfterAWave()
{
    constexpr int kCount = 9500;
    for (const bool squeeze : {false, true}) {
        Parent parent(squeeze);
        std::vector<QObject *> children;
        for (int i = 0; i < kCount; ++i)
            children.push_back(new QObject(&parent));
        QVERIFY(parent.children().capacity() >= kCount);
        // All but a few go, in any order (here: every other one first, then the rest but three).
        for (std::size_t i = 0; i < children.size(); i += 2)
            delete children[i];
        for (std::size_t i = 1; i + 6 < children.size(); i += 2)
            delete children[i];
        QCOMPARE(parent.children().size(), 3);
        if (squeeze)
            QVERIFY2(parent.children().capacity() < 256,
                     qPrintable(QString::number(parent.children().capacity())));
        else
            QVERIFY(parent.children().capacity() >= kCount); // what Qt does by itself
    }
}

void tst_BaseChildList::smallListsAreLeftAlone()
{
    Parent parent(true);
    QList<QObject *> children;
    for (int i = 0; i < 200; ++i)
        children.append(new QObject(&parent));
    const qsizetype capacity = parent.children().capacity();
    qDeleteAll(children.mid(0, 199));
    QCOMPARE(parent.children().size(), 1);
    QCOMPARE(parent.children().capacity(), capacity); // under 2 KB: not worth an allocation
}

void tst_BaseChildList::childrenDeletedWithTheParent()
{
    // Qt empties the list itself while it deletes the children (no ChildRemoved then); a child that
    // takes a sibling with it meanwhile must not make the list change under Qt's feet.
    QList<QPointer<QObject>> watched;
    {
        Parent parent(true);
        for (int i = 0; i < 2000; ++i) {
            auto *child = new QObject(&parent);
            watched.append(child);
        }
        for (int i = 0; i + 1 < 2000; i += 2) {
            QObject *next = watched.at(i + 1);
            QObject::connect(watched.at(i), &QObject::destroyed, next, [next] { delete next; });
        }
    }
    for (const QPointer<QObject> &child : std::as_const(watched))
        QVERIFY(child.isNull());
}

QTEST_GUILESS_MAIN(tst_BaseChildList)
#include "tst_base_childlist.moc"
