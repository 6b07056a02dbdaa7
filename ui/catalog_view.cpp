#include "ui/catalog_view.h"

#include <QHeaderView>
#include <QPainter>

namespace tonearm::ui {

CatalogView::CatalogView(QWidget* parent) : QTableView(parent) {
    setObjectName(QStringLiteral("catalogView"));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAlternatingRowColors(true);
    setShowGrid(false);
    setWordWrap(false);
    setFrameShape(QFrame::NoFrame);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() * 2);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setMinimumHeight(fontMetrics().height() * 2);
    // Flat header and some air around the cell text; colours stay the
    // platform palette's, so light and dark themes both work.
    setStyleSheet(QStringLiteral(
        "QTableView { outline: 0; show-decoration-selected: 1; }"
        "QTableView::item { padding-left: 10px; padding-right: 10px; border: none; }"
        "QHeaderView::section { padding-left: 10px; padding-right: 10px; border: none;"
        " border-bottom: 1px solid palette(mid); background: palette(base); }"));
}

void CatalogView::setPlaceholderText(const QString& text) {
    if (text == placeholder_) return;
    placeholder_ = text;
    viewport()->update();
}

void CatalogView::paintEvent(QPaintEvent* event) {
    QTableView::paintEvent(event);
    if (placeholder_.isEmpty() || (model() != nullptr && model()->rowCount() > 0)) return;

    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    painter.setFont(font);
    const QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
}

}  // namespace tonearm::ui
