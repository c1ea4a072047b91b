/// Rates and the estimated reach of the caregiver work: how many of the municipality's
/// caregivers the services have identified.
public enum CaregiverRate {
    /// Caregivers per 1,000 adults, so municipalities of different size can be compared. Nil
    /// where the count is withheld (a rate over a public population gives the count back) or
    /// there is no adult population to divide by.
    public static func perThousandAdults(_ count: PublishedCount, adults: Int) -> Double? {
        guard let count = count.value, adults > 0 else { return nil }
        return Double(count) * 1000 / Double(adults)
    }
}

/// Identified caregivers against the number one can expect from the population.
///
/// The defaults are from Socialstyrelsen's knowledge support on integrating the caregiver
/// perspective (seed 003, "Många ger vård eller stöd till någon de står nära"): close to
/// 1.2 million, about 15 per cent of Sweden's adult population, give care or support to someone
/// close, and almost a third of them for more than ten hours a week. They are national shares;
/// a municipality with an older population may set its own.
public struct CaregiverReach: Sendable, Equatable {
    /// Share of adults who are caregivers.
    public static let nationalCaregiverShare = 0.15
    /// Share of caregivers who give care or support more than ten hours a week.
    public static let nationalMoreThanTenHoursShare = 1.0 / 3.0

    /// Expected caregivers in the population, rounded to whole people.
    public let estimatedCaregivers: Int
    /// Expected caregivers giving more than ten hours a week.
    public let estimatedMoreThanTenHours: Int
    /// Identified caregivers as a share (0…) of the expected ones; nil where the count is
    /// withheld or nothing is expected. It may pass 1 where the national shares undercount.
    public let identifiedShare: Double?
    /// The same for caregivers giving more than ten hours a week: those the seed says most need
    /// support, so the figure to watch.
    public let moreThanTenHoursShare: Double?

    public init(identified: PublishedCount, identifiedMoreThanTenHours: PublishedCount, adults: Int,
                caregiverShare: Double = nationalCaregiverShare,
                moreThanTenHoursShare: Double = nationalMoreThanTenHoursShare) {
        let estimated = Double(max(adults, 0)) * caregiverShare
        let estimatedMoreThanTen = estimated * moreThanTenHoursShare
        estimatedCaregivers = Int(estimated.rounded())
        estimatedMoreThanTenHours = Int(estimatedMoreThanTen.rounded())
        identifiedShare = Self.share(identified, of: estimated)
        self.moreThanTenHoursShare = Self.share(identifiedMoreThanTenHours, of: estimatedMoreThanTen)
    }

    /// A share of an estimate from a public population is the count in disguise, so a withheld
    /// count gives no share.
    private static func share(_ count: PublishedCount, of estimate: Double) -> Double? {
        guard let count = count.value, estimate > 0 else { return nil }
        return Double(count) / estimate
    }
}
