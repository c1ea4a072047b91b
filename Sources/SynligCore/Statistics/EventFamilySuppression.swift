/// Tables that count the same events per unit, each by its own categories, published so that
/// nothing one of them shows gives away a count another withholds.
///
/// A voluntariness follow-up is counted by its answer, by each of its three questions and by
/// whether it was on time: each unit's number of follow-ups is the same in all of them.
/// Protected one table at a time, one may show a unit's total that another withholds, and that
/// total then gives away a count the other withheld. The three questions also share a category:
/// a follow-up asked with the earlier single question is "not asked" in all three.
///
/// So what the tables share is published once, in `totals`: each unit's events, and where some
/// tables count only a part of them (`parts`: the follow-ups asked the three questions), that
/// part and the rest as two columns, neither of which describes anyone (which form was used). Every table is then protected with its row totals known
/// from there, as the tables of people are with `publish(unitTotals:)`, and a part table leaves
/// out the rest, which `totals` shows. The organisation's total is never withheld to protect
/// another count (`eventTotal`), so the open indicators can publish it on its own.
public struct PublishedEventFamily: Sendable, Equatable {
    /// One column per unit (its events), or two where there are parts: [in the parts, the rest].
    public let totals: PublishedHierarchy
    /// The tables of all the events, in the order given.
    public let tables: [PublishedHierarchy]
    /// The tables of the part, in the order given: protected without the rest, and shown with
    /// it and the total of all the events as `totals` shows them.
    public let parts: [PublishedHierarchy]

    /// A unit's events as the family shows them; nil for a unit not shown on its own.
    public func unitTotal(_ row: Int) -> PublishedCount? {
        totals.units.indices.contains(row) ? totals.units[row]?.total : nil
    }

    /// A unit's events in the part; nil for a unit not shown on its own.
    public func unitPart(_ row: Int) -> PublishedCount? {
        totals.units.indices.contains(row) ? totals.units[row]?.counts.first : nil
    }
}

extension SuppressionPolicy {
    /// `bodies`: tables of every event, `[unit][category]`, each unit's row adding up to the same
    /// number in all of them. `parts`: tables of a part of those events, with the rest as their
    /// last column (equal in all of them). Nil where the tables do not fit together so.
    public func publish(family bodies: [[[Int]]], parts: [[[Int]]] = [], shownUnits: [Bool]) -> PublishedEventFamily? {
        guard let first = bodies.first ?? parts.first else { return nil }
        let units = first.count
        let rowSums = first.map { $0.reduce(0, +) }
        guard shownUnits.count == units,
              (bodies + parts).allSatisfy({ $0.count == units && $0.map { $0.reduce(0, +) } == rowSums }),
              parts.allSatisfy({ $0.allSatisfy { !$0.isEmpty } })
        else { return nil }
        let rests = parts.first.map { $0.map { $0.last ?? 0 } }
        guard parts.allSatisfy({ $0.map { $0.last ?? 0 } == rests }) else { return nil }
        let totalsBody = rests.map { rests in zip(rowSums, rests).map { [$0 - $1, $1] } } ?? rowSums.map { [$0] }
        // Asked the three questions or the earlier single one says which form was used, not
        // anything of the caregiver: like a settled table's rest, neither column is withheld for
        // being small. They are withheld only where they would give away a unit's count of follow-ups.
        guard let totals = publish(hierarchy: totalsBody, shown: shownUnits, rowTotalsKnown: false, organisationTotal: nil,
                                   exemptColumns: rests == nil ? [] : [0, 1], totalAloneWhenExposed: true, grandTotalKnown: true)
        else { return nil }
        let grand = rowSums.reduce(0, +), partSum = grand - (rests?.reduce(0, +) ?? 0)
        // Units not shown on their own carry no count; here they only mark the rows merged.
        let all = PublishedBreakdown(counts: totals.units.map { $0?.total ?? .suppressed(.complementary) }, total: totals.organisation.total)
        // Where the totals themselves are shown by the organisation's total alone, so is every
        // table, and the part's total is withheld with it where the organisation's is.
        let partTotal = totals.organisation.counts.first ?? (totals.organisation.total.value == nil && partSum > 0 ? .suppressed(.belowThreshold) : .count(partSum))
        let part = PublishedBreakdown(counts: totals.units.map { $0?.counts.first ?? .suppressed(.complementary) }, total: partTotal)
        return PublishedEventFamily(totals: totals, tables: bodies.map { publish(member: $0, against: all) },
                                    parts: parts.map { withRest(publish(member: $0.map { Array($0.dropLast()) }, against: part), totals) })
    }

    /// The organisation's count of events as a family's `totals` shows it, from that count alone:
    /// never withheld to protect another (`grandTotalKnown`), and a table under the threshold is withheld whole.
    public func eventTotal(_ count: Int) -> PublishedCount {
        isBelowThreshold(count) ? .suppressed(.belowThreshold) : .count(count)
    }

    /// A part table as it is shown: its own categories, then the rest and the total as the
    /// family's totals show them (the same cells, so nothing new is published).
    /// A part withheld whole below a total that is shown would read as if its zeros' "< 5" were
    /// 1–4: such a part is shown by the total alone.
    private func withRest(_ table: PublishedHierarchy, _ totals: PublishedHierarchy) -> PublishedHierarchy {
        let partWithheldWhole = table.organisation.total == .suppressed(.belowThreshold) && totals.organisation.total != .suppressed(.belowThreshold)
        guard totals.organisation.counts.count == 2, !table.organisation.counts.isEmpty, !partWithheldWhole else {
            return .totalAlone(totals.organisation.total, unitCount: table.units.count)
        }
        return PublishedHierarchy(
            organisation: PublishedBreakdown(counts: table.organisation.counts + [totals.organisation.counts[1]], total: totals.organisation.total),
            units: zip(table.units, totals.units).map { part, unit in
                guard let part, let unit, unit.counts.count == 2 else { return nil }
                return PublishedBreakdown(counts: part.counts + [unit.counts[1]], total: unit.total)
            })
    }

    /// One table of a family, its units' totals known; its total alone where no true label protects it.
    private func publish(member body: [[Int]], against known: PublishedBreakdown) -> PublishedHierarchy {
        let totalAlone = PublishedHierarchy.totalAlone(known.total, unitCount: body.count)
        // A total withheld only as a complement would make every "< 5" below it untrue.
        guard known.total.value != nil || known.total == .suppressed(.belowThreshold) else { return totalAlone }
        return publish(hierarchy: body, shown: known.counts.map { !$0.isSuppressed }, rowTotalsKnown: true, organisationTotal: known.total,
                       totalAloneWhenExposed: true) ?? totalAlone
    }
}
