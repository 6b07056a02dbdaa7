// CatalogView: the track table, with a centred hint in place of an empty
// table ("Loading the catalog…", "No tracks match …").
//
// GUI thread only.
#pragma once

#include <QTableView>

namespace tonearm::ui {

class CatalogView : public QTableView {
    Q_OBJECT

public:
    explicit CatalogView(QWidget* parent = nullptr);

    // Text drawn while the model has no rows; "" draws nothing.
    void setPlaceholderText(const QString& text);
    QString placeholderText() const { return placeholder_; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString placeholder_;
};

}  // namespace tonearm::ui
