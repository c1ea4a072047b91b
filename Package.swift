// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Synlig",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "synlig", targets: ["synlig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        // Verifies identity providers' ID tokens and signs Synlig's private_key_jwt client assertions.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        // Tests only: HTML snapshots of key pages; the contract test reads openapi.yaml with OpenAPIKit and Yams.
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "SynligCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/SynligCore"
        ),
        .target(
            name: "SynligApp",
            dependencies: [
                "SynligCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                // SHA-2 and AES-CBC for the encrypted crisis-list PDF (the PDF standard security handler).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Sources/SynligApp"
        ),
        // Exempelkommun's synthetic people, written through SynligApp's services; only the
        // executable and the tests link it, so production code carries no demo code.
        .target(
            name: "SynligDemo",
            dependencies: [
                "SynligApp",
                "SynligCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
            ],
            path: "Sources/SynligDemo"
        ),
        .executableTarget(
            name: "synlig",
            dependencies: ["SynligApp", "SynligDemo"],
            path: "Sources/synlig"
        ),
        .testTarget(
            name: "SynligCoreTests",
            dependencies: ["SynligCore"],
            path: "Tests/SynligCoreTests"
        ),
        .testTarget(
            name: "SynligAppTests",
            dependencies: [
                "SynligApp",
                "SynligDemo",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Tests/SynligAppTests",
            exclude: ["__Snapshots__"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
