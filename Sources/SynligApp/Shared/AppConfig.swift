import Foundation
import SynligCore
import Vapor

/// Everything Synlig reads from its environment, read once at start.
public struct AppConfig: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var database: DatabaseChoice
    public var dataDirectory: String
    public var demoMode: Bool
    public var sessionIdleTimeout: TimeInterval
    public var sessionAbsoluteLimit: TimeInterval
    /// bcrypt work factor; tests lower it so a suite of hundreds of logins stays fast.
    public var bcryptCost: Int
    /// The proxies in front of Synlig whose `X-Forwarded-For` and `X-Forwarded-Proto` are
    /// believed; from any other peer those headers are ignored.
    public var trustedProxies: TrustedProxies
    public var maxBodySize: ByteCount
    /// Run scheduled jobs (purges, reminders) inside this process.
    public var runsScheduledJobs: Bool
    /// The key that seals stored secrets (`SecretBox`); by default `secret.key` in the data folder.
    public var secretKeyFile: String
    /// The address people reach Synlig at (`https://synlig.kommun.se`), from which the identity
    /// provider's redirect URI is built; without it, the request's own host is used.
    public var publicURL: String?
    /// The key that seals sensitive free texts (`SealedText`), from `SYNLIG_ENCRYPTION_KEY`;
    /// without it, a key derived from the secret key file.
    public var encryptionKey: TextSealingKey?
    /// Keys that open texts but never seal (`SYNLIG_ENCRYPTION_OPENING_KEYS`): the earlier key
    /// until `synlig reseal-texts` has sealed everything under the current one, and during a
    /// rolling rotation the next key, so no instance meets a text it cannot open.
    public var openingEncryptionKeys: [TextSealingKey] = []

    public init(database: DatabaseChoice, dataDirectory: String, demoMode: Bool = false,
                sessionIdleTimeout: TimeInterval = 30 * 60, sessionAbsoluteLimit: TimeInterval = 12 * 3600,
                bcryptCost: Int = 12, trustedProxies: TrustedProxies = .none, maxBodySize: ByteCount = "256kb",
                runsScheduledJobs: Bool = false) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.demoMode = demoMode
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionAbsoluteLimit = sessionAbsoluteLimit
        self.bcryptCost = bcryptCost
        self.trustedProxies = trustedProxies
        self.maxBodySize = maxBodySize
        self.runsScheduledJobs = runsScheduledJobs
        self.secretKeyFile = (dataDirectory as NSString).appendingPathComponent("secret.key")
    }

    /// A setting that cannot be read; the message names the variable and what is wrong, and
    /// the process stops before it serves anything.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `DATABASE_URL`, `SYNLIG_DATA_DIR`, `SYNLIG_SESSION_IDLE_MINUTES`,
    /// `SYNLIG_SESSION_MAX_HOURS`, `SYNLIG_TRUSTED_PROXIES`, `SYNLIG_TRUST_PROXY`, `SYNLIG_SECRET_KEY_FILE`, `SYNLIG_PUBLIC_URL`,
    /// `SYNLIG_ENCRYPTION_KEY`, `SYNLIG_ENCRYPTION_OPENING_KEYS`.
    public static func fromEnvironment(demoMode: Bool, environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let dataDirectory = env["SYNLIG_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        let database: DatabaseChoice
        if let url = env["DATABASE_URL"], url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: dataDirectory + "/synlig.sqlite")
        }
        var config = AppConfig(database: database, dataDirectory: dataDirectory, demoMode: demoMode)
        if let minutes = env["SYNLIG_SESSION_IDLE_MINUTES"].flatMap(Double.init), minutes > 0 {
            config.sessionIdleTimeout = minutes * 60
        }
        if let hours = env["SYNLIG_SESSION_MAX_HOURS"].flatMap(Double.init), hours > 0 {
            config.sessionAbsoluteLimit = hours * 3600
        }
        config.trustedProxies = try trustedProxies(env)
        if let url = env["SYNLIG_PUBLIC_URL"], !url.isEmpty {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""),
                  components.host?.isEmpty == false, components.query == nil else {
                throw Invalid(description: "SYNLIG_PUBLIC_URL must be an http(s) address such as https://synlig.kommun.se")
            }
            config.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let keyFile = env["SYNLIG_SECRET_KEY_FILE"], !keyFile.isEmpty {
            config.secretKeyFile = keyFile
        }
        (config.encryptionKey, config.openingEncryptionKeys) = try encryptionKeys(env)
        return config
    }

    static func encryptionKeys(_ env: [String: String]) throws -> (TextSealingKey?, [TextSealingKey]) {
        let advice = "32 random bytes in base64, e.g. `openssl rand -base64 32`"
        var current: TextSealingKey?
        if let text = env["SYNLIG_ENCRYPTION_KEY"], !text.isEmpty {
            guard let key = TextSealingKey(base64: text) else { throw Invalid(description: "SYNLIG_ENCRYPTION_KEY must be \(advice)") }
            current = key
        }
        let opening = try (env["SYNLIG_ENCRYPTION_OPENING_KEYS"] ?? "")
            .split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map { text in
                guard let key = TextSealingKey(base64: String(text)) else {
                    throw Invalid(description: "SYNLIG_ENCRYPTION_OPENING_KEYS must list keys separated by commas, each \(advice)")
                }
                return key
            }
        return (current, opening)
    }

    /// `SYNLIG_TRUSTED_PROXIES` lists the proxies in CIDR; the older `SYNLIG_TRUST_PROXY=1`
    /// still works and means a proxy on this machine (loopback), which is what it was used for.
    static func trustedProxies(_ env: [String: String]) throws -> TrustedProxies {
        var proxies = TrustedProxies.none
        if let list = env["SYNLIG_TRUSTED_PROXIES"] {
            do {
                proxies = try TrustedProxies(parsing: list)
            } catch {
                throw Invalid(description: "\(error) (give addresses or CIDR blocks separated by commas, e.g. 127.0.0.1/32,10.0.0.0/8,::1/128)")
            }
        }
        switch env["SYNLIG_TRUST_PROXY"]?.lowercased() ?? "" {
        case "", "0", "false", "no": break
        case "1", "true", "yes": proxies = TrustedProxies.loopback.union(proxies)
        default:
            throw Invalid(description: "SYNLIG_TRUST_PROXY must be 1 or 0; list the proxies' addresses in SYNLIG_TRUSTED_PROXIES instead.")
        }
        return proxies
    }

    public var databaseName: String {
        switch database {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    public var synligConfig: AppConfig {
        get {
            guard let config = storage[ConfigKey.self] else {
                fatalError("configure(_:config:) must run before the configuration is read")
            }
            return config
        }
        set { storage[ConfigKey.self] = newValue }
    }
}
