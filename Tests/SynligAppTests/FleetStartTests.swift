import Fluent
import SynligCore
import Testing
import Vapor
import VaporTesting
@testable import SynligApp
@testable import SynligDemo

/// Several instances on one database, started together or one after another, as a
/// municipality runs Synlig behind a load balancer.
@Suite("Starting and upgrading instances that share a database")
struct FleetStartTests {
    /// Two app objects on one empty database, shut down however the test ends.
    func withTwoInstances(demo: Bool = false, _ test: (Application, Application) async throws -> Void) async throws {
        try await withEmptyDatabase { database in
            let first = try await makeApp(on: database)
            let second: Application
            do {
                second = try await makeApp(on: database)
            } catch {
                try? await first.asyncShutdown()
                throw error
            }
            if demo {
                first.demoData = ExempelkommunDemo()
                second.demoData = ExempelkommunDemo()
            }
            do {
                try await test(first, second)
            } catch {
                try? await first.asyncShutdown()
                try? await second.asyncShutdown()
                throw error
            }
            try await first.asyncShutdown()
            try await second.asyncShutdown()
        }
    }

    @Test("Two instances migrating an empty database at once both come up, and each migration runs once")
    func concurrentMigration() async throws {
        try await withTwoInstances { first, second in
            async let one: Void = SchemaMigrations.migrate(first)
            async let two: Void = SchemaMigrations.migrate(second)
            _ = try await (one, two)

            let names = try await MigrationLog.query(on: first.db).all(\.$name)
            #expect(names.count == Set(names).count)
            #expect(names.count == (try await first.migrator.previewRevertAllBatches().get().count))
            // One instance did the work in one batch; the other found nothing to do.
            #expect(Set(try await MigrationLog.query(on: first.db).all(\.$batch)) == [1])
            #expect(try await second.migrator.previewPrepareBatch().get().isEmpty)
            for app in [first, second] {
                let health = try await app.testing().sendRequest(.GET, "/health")
                #expect(health.status == .ok)
            }
        }
    }

    @Test("Instances started together with --demo seed Exempelkommun once, and a restart seeds nothing")
    func concurrentDemoSeeding() async throws {
        try await withTwoInstances(demo: true) { first, second in
            let address = "http://127.0.0.1:8080"
            async let one = SynligServeCommand.prepare(first, demo: true, demoPassword: "demo-losenord-123", address: address)
            async let two = SynligServeCommand.prepare(second, demo: true, demoPassword: nil, address: address)
            let messages = try await [one, two]
            #expect(messages.allSatisfy { $0?.contains("admin@exempel.se") == true })

            #expect(try await Organisation.query(on: first.db).filter(\.$code == DemoSeeder.organisationCode).count() == 1)
            let users = try await User.query(on: first.db).count()
            let events = try await AuditEvent.query(on: first.db).count()
            #expect(users == DemoSeeder.logins.count + RegionDemo.logins.count)

            _ = try await SynligServeCommand.prepare(first, demo: true, demoPassword: nil, address: address)
            #expect(try await Organisation.query(on: first.db).count() == 2)
            #expect(try await User.query(on: first.db).count() == users)
            #expect(try await AuditEvent.query(on: first.db).count() == events)
            #expect(try await AuditTrail.verify(on: first.db) == nil)
            // Whichever instance seeded, the password given is the one that works.
            let browser = Browser(second)
            #expect(try await browser.signIn("konsulent@exempel.se", password: "demo-losenord-123").status == .seeOther)
        }
    }

    @Test("Without --demo, instances started together offer the first-administrator link and create nothing")
    func concurrentEmptyStart() async throws {
        try await withTwoInstances { first, second in
            async let one = SynligServeCommand.prepare(first, demo: false, demoPassword: nil, address: "http://127.0.0.1:8080")
            async let two = SynligServeCommand.prepare(second, demo: false, demoPassword: nil, address: "http://127.0.0.1:8081")
            let messages = try await [one, two]
            #expect(messages.allSatisfy { $0?.contains("/setup/") == true })
            #expect(try await Organisation.query(on: first.db).count() == 0)
        }
    }

    @Test("A database migrated by a newer Synlig is refused with a message, and nothing is changed")
    func newerSchemaIsRefused() async throws {
        try await withSynlig { app in
            try await MigrationLog(name: "SynligApp.AddSomethingFromTheFuture", batch: 2).create(on: app.db)
            let before = try await MigrationLog.query(on: app.db).count()
            func isRefusal(_ error: any Error) -> Bool {
                let text = "\(error)"
                return error is SchemaNewerThanBinary && text.contains("newer version of Synlig")
                    && text.contains("SynligApp.AddSomethingFromTheFuture") && text.contains("will not start")
            }
            // `serve` runs exactly this before it starts the server.
            await #expect { try await SynligServeCommand.prepare(app, demo: false, demoPassword: nil, address: "http://127.0.0.1:8080") }
                throws: { isRefusal($0) }
            await #expect { try await runCommand(app, "migrate") } throws: { isRefusal($0) }
            #expect(try await MigrationLog.query(on: app.db).count() == before)
            #expect(try await SetupToken.query(on: app.db).count() == 0)
        }
    }

    @Test("`synlig migrate` brings an empty database up to date and can run again")
    func migrateCommand() async throws {
        try await withEmptyDatabase { database in
            let app = try await makeApp(on: database)
            do {
                try await runCommand(app, "migrate")
                try await runCommand(app, "migrate")
                #expect(try await app.migrator.previewPrepareBatch().get().isEmpty)
                #expect(try await SchemaMigrations.unknownMigrations(app).isEmpty)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}
