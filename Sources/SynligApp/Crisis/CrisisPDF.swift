import Foundation
import SynligCore

/// The crisis list as an A4 PDF: a heading that says what the list is and by when to destroy
/// it, then each area (unit) with its caregivers, the most urgent first, and a footer on every
/// page. Encrypted with the passphrase chosen at export (`PDFStandardSecurity`).
enum CrisisPDF {
    struct Heading: Sendable {
        var organisation: String
        var scope: String
        var exported: String
        var destroyBy: String
    }

    static func file(_ areas: [CrisisAreaText], total: Int, heading: Heading, passphrase: String,
                     _ t: CrisisListText.Translate) throws -> [UInt8] {
        let security = try PDFStandardSecurity(userPassword: passphrase)
        return try PDFWriter.document(pages: pages(areas, total: total, heading: heading, t), security: security,
                                      id: [UInt8].random(count: 16))
    }

    /// The placed lines of every page, before encryption.
    static func pages(_ areas: [CrisisAreaText], total: Int, heading: Heading, _ t: CrisisListText.Translate) -> [[PDFWriter.Text]] {
        var layout = Layout()
        layout.paragraph(t("crisis.title", []), .bold, 16)
        layout.paragraph("\(heading.organisation) · \(heading.scope)", .regular, 10)
        layout.paragraph(heading.exported, .regular, 9)
        layout.paragraph(t("crisis.destroy_by", [heading.destroyBy]), .bold, 10)
        layout.space(4)
        layout.paragraph("\u{201D}\(CrisisList.seedQuote)\u{201D} (\(CrisisList.seedSource))", .regular, 8)
        layout.space(4)
        layout.paragraph(t("crisis.priority_legend", []), .regular, 8)
        for priority in CrisisPriority.allCases {
            layout.paragraph("\(priority.rawValue): " + t("crisis.priority.\(priority)", []), .regular, 8, indent: 10)
        }
        layout.paragraph(t("crisis.through_unit_hint", []), .regular, 8)
        layout.space(6)
        layout.paragraph(t("crisis.count_pdf", [String(total)]), .bold, 10)
        if areas.isEmpty { layout.paragraph(t("crisis.empty", []), .regular, 10) }

        for area in areas {
            layout.space(8)
            layout.keep(40)
            layout.paragraph("\(area.name) (\(area.count))", .bold, 12)
            layout.rule()
            for row in area.rows { layout.entry(row, t) }
        }

        let count = layout.pages.count
        return layout.pages.enumerated().map { index, page in
            page + [PDFWriter.Text(x: Layout.left, y: 28, font: .regular, size: 8,
                                   text: t("crisis.pdf_footer", [String(index + 1), String(count), heading.organisation, heading.destroyBy]))]
        }
    }

    /// Lines flowing down A4 pages, a new page when the next block does not fit.
    struct Layout {
        static let left = 48.0
        static let right = PDFWriter.pageWidth - 48
        static let top = PDFWriter.pageHeight - 52
        static let bottom = 52.0

        var pages: [[PDFWriter.Text]] = [[]]
        var y = Layout.top

        mutating func newPage() {
            pages.append([])
            y = Layout.top
        }

        /// Starts a new page unless `height` points still fit on this one.
        mutating func keep(_ height: Double) {
            if y - height < Layout.bottom && y < Layout.top { newPage() }
        }

        mutating func space(_ points: Double) { y -= points }

        mutating func rule() { y -= 2 }

        static func lines(_ text: String, _ font: PDFWriter.Font, _ size: Double, indent: Double) -> [String] {
            PDFWriter.wrap(text, font: font, size: size, maxWidth: right - left - indent)
        }

        mutating func paragraph(_ text: String, _ font: PDFWriter.Font, _ size: Double, indent: Double = 0) {
            for line in Self.lines(text, font, size, indent: indent) {
                let height = size * 1.3
                if y - height < Layout.bottom { newPage() }
                y -= height
                pages[pages.count - 1].append(PDFWriter.Text(x: Layout.left + indent, y: y, font: font, size: size, text: line))
            }
        }

        /// One caregiver: kept on one page when it fits on one.
        mutating func entry(_ row: CrisisRowText, _ t: CrisisListText.Translate) {
            var title = "\(t("crisis.col.priority", [])) \(row.priority)   \(row.caregiver) – "
            title += row.throughUnit ? t("crisis.through_unit", []) : (row.phone.map { t("crisis.col.phone", []) + " " + $0 } ?? t("crisis.no_phone", []))
            var details: [String] = []
            var recipient = "\(t("crisis.col.recipient", [])): \(row.recipient) (\(row.relation))"
            if row.livesTogether { recipient += ", " + t("crisis.lives_together", []) }
            details.append(recipient)
            if !row.throughUnit { details.append("\(t("crisis.col.address", [])): \(row.address)") }
            if let email = row.email { details.append("\(t("crisis.col.email", [])): \(email)") }
            details.append("\(t("crisis.col.needs", [])): \(row.needs)" + (row.care.isEmpty ? "" : ". " + row.care))
            if let plan = row.emergencyPlan { details.append("\(t("crisis.emergency_plan", [])): \(plan)") }
            if let plan = row.futurePlan { details.append("\(t("crisis.future_plan", [])): \(plan)") }
            if row.throughUnit { details.append("\(t("crisis.col.unit", [])): \(row.units.isEmpty ? t("crisis.no_unit", []) : row.units)") }

            let height = Double(Self.lines(title, .bold, 10, indent: 0).count) * 13
                + details.reduce(0) { $0 + Double(Self.lines($1, .regular, 9, indent: 16).count) * 11.7 } + 6
            keep(height)
            paragraph(title, .bold, 10)
            for detail in details { paragraph(detail, .regular, 9, indent: 16) }
            space(6)
        }
    }
}
