import Foundation
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
    /// Trust `X-Forwarded-Proto: https` from a TLS-terminating proxy in front of Synlig.
    public var trustForwardedProto: Bool
    public var maxBodySize: ByteCount
    /// Run scheduled jobs (purges, reminders) inside this process.
    public var runsScheduledJobs: Bool

    public init(database: DatabaseChoice, dataDirectory: String, demoMode: Bool = false,
                sessionIdleTimeout: TimeInterval = 30 * 60, sessionAbsoluteLimit: TimeInterval = 12 * 3600,
                bcryptCost: Int = 12, trustForwardedProto: Bool = false, maxBodySize: ByteCount = "256kb",
                runsScheduledJobs: Bool = false) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.demoMode = demoMode
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionAbsoluteLimit = sessionAbsoluteLimit
        self.bcryptCost = bcryptCost
        self.trustForwardedProto = trustForwardedProto
        self.maxBodySize = maxBodySize
        self.runsScheduledJobs = runsScheduledJobs
    }

    /// Reads `DATABASE_URL`, `SYNLIG_DATA_DIR`, `SYNLIG_SESSION_IDLE_MINUTES`,
    /// `SYNLIG_SESSION_MAX_HOURS`, `SYNLIG_TRUST_PROXY`.
    public static func fromEnvironment(demoMode: Bool) -> AppConfig {
        let env = ProcessInfo.processInfo.environment
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
        config.trustForwardedProto = ["1", "true", "yes"].contains(env["SYNLIG_TRUST_PROXY"]?.lowercased() ?? "")
        return config
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
