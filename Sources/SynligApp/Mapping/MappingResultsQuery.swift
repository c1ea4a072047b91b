import Fluent
import SQLKit
import SynligCore
import Vapor

/// The numbers behind a mapping's results page, report and API: counts per item, unit and
/// choice, computed in SQL over submitted sheets.
struct MappingResultSet: Sendable {
    /// Key for the whole organisation (sheets with no unit, or all sheets added together).
    static let overall = "all"

    /// item key → unit id (or `overall`) → distribution.
    var distributions: [String: [String: AnswerDistribution]]
    /// unit id (or `overall`) → submitted sheets.
    var sheets: [String: Int]

    func distribution(_ itemKey: String, unit: String = MappingResultSet.overall) -> AnswerDistribution {
        distributions[itemKey]?[unit] ?? AnswerDistribution(counts: [:], sheets: sheets[unit] ?? 0)
    }

    static func load(mappingID: UUID, on db: any Database) async throws -> MappingResultSet {
        let sql = db as! any SQLDatabase
        struct CountRow: Decodable {
            var unit_id: UUID?
            var item_key: String
            var choice: String
            var n: Int
        }
        struct SheetRow: Decodable {
            var unit_id: UUID?
            var n: Int
        }
        let counts = try await sql.raw("""
            SELECT r.unit_id AS unit_id, a.item_key AS item_key, a.choice AS choice, COUNT(*) AS n
            FROM \(ident: MappingAnswer.schema) a
            JOIN \(ident: MappingResponse.schema) r ON r.id = a.response_id
            WHERE a.mapping_id = \(bind: mappingID) AND r.status = \(bind: ResponseStatus.submitted.rawValue)
              AND a.choice IS NOT NULL
            GROUP BY r.unit_id, a.item_key, a.choice
            """).all(decoding: CountRow.self)
        let sheetRows = try await sql.raw("""
            SELECT unit_id AS unit_id, COUNT(*) AS n FROM \(ident: MappingResponse.schema)
            WHERE mapping_id = \(bind: mappingID) AND status = \(bind: ResponseStatus.submitted.rawValue)
            GROUP BY unit_id
            """).all(decoding: SheetRow.self)

        var sheets: [String: Int] = [:]
        for row in sheetRows {
            sheets[row.unit_id?.uuidString ?? overall, default: 0] += row.n
            if row.unit_id != nil { sheets[overall, default: 0] += row.n }
        }
        var tallies: [String: [String: [String: Int]]] = [:]
        for row in counts {
            let unit = row.unit_id?.uuidString ?? overall
            tallies[row.item_key, default: [:]][unit, default: [:]][row.choice, default: 0] += row.n
            if row.unit_id != nil { tallies[row.item_key, default: [:]][overall, default: [:]][row.choice, default: 0] += row.n }
        }
        var distributions: [String: [String: AnswerDistribution]] = [:]
        for (item, units) in tallies {
            for (unit, choices) in units {
                distributions[item, default: [:]][unit] = AnswerDistribution(counts: choices, sheets: sheets[unit] ?? 0)
            }
        }
        return MappingResultSet(distributions: distributions, sheets: sheets)
    }

    /// The closed mapping of the same organisation and scope that came just before this one.
    static func previous(of mapping: Mapping, on db: any Database) async throws -> Mapping? {
        var query = Mapping.scoped(to: mapping.organisationID, on: db)
            .filter(\.$status == .closed)
            .filter(\.$scope == mapping.scope)
            .filter(\.$periodStart < mapping.periodStart)
        if let id = mapping.id { query = query.filter(\.$id != id) }
        return try await query.sort(\.$periodStart, .descending).first()
    }
}

/// One entry of the gap list: a question answered nej, delvis or vet inte, or a routine
/// marked saknas, with what the respondents wrote.
struct MappingGap: Sendable, Encodable {
    var itemKey: String
    var questionKey: String
    var unitID: UUID?
    var choice: String
    var followUpTexts: [String]
}

enum MappingGaps {
    static func load(mappingID: UUID, bank: QuestionBankContent, on db: any Database) async throws -> [MappingGap] {
        let responses = try await MappingResponse.query(on: db)
            .filter(\.$mappingID == mappingID).filter(\.$status == .submitted).all()
        let unitByResponse = Dictionary(uniqueKeysWithValues: responses.compactMap { r in r.id.map { ($0, r.unitID) } })
        let answers = try await MappingAnswer.query(on: db)
            .filter(\.$mappingID == mappingID)
            .filter(\.$responseID ~~ Array(unitByResponse.keys))
            .all()
        var textByResponseAndKey: [UUID: [String: String]] = [:]
        for answer in answers where !answer.text.isEmpty {
            textByResponseAndKey[answer.responseID, default: [:]][answer.itemKey] = answer.text
        }
        var gaps: [MappingGap] = []
        for question in bank.questions {
            for answer in answers where answer.itemKey == question.key {
                guard let raw = answer.choice, let choice = YesNoChoice(rawValue: raw), choice.isGap else { continue }
                // Only the follow-ups that belong to the answer given: text left in "Om ja" from an
                // earlier answer does not speak for a "nej".
                let keys = [question.key] + question.followUps.filter { $0.condition.applies(to: choice) }.map(\.key)
                let texts = keys.compactMap { textByResponseAndKey[answer.responseID]?[$0] }
                gaps.append(MappingGap(itemKey: question.key, questionKey: question.key, unitID: unitByResponse[answer.responseID] ?? nil,
                                       choice: raw, followUpTexts: texts))
            }
            for routine in question.routines {
                for answer in answers where answer.itemKey == routine.key && answer.choice == RoutineState.missing.rawValue {
                    let texts = [textByResponseAndKey[answer.responseID]?[routine.key]].compactMap { $0 }
                    gaps.append(MappingGap(itemKey: routine.key, questionKey: question.key, unitID: unitByResponse[answer.responseID] ?? nil,
                                           choice: RoutineState.missing.rawValue, followUpTexts: texts))
                }
            }
        }
        return gaps
    }
}
