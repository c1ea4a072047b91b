/// The kinds of personal record whose every read is written to the access log. The review page
/// names each in the reader's language (`record.<raw value>`); a test checks every kind has a
/// name in every language, so the administrator never reads a raw key.
enum AccessLogRecordType: String, CaseIterable, Sendable {
    case caregiver
    case careRecipient = "care_recipient"
    case contactRequest = "contact_request"
    case referral
    case user

    var localizationKey: String { "record." + rawValue }
}
