import Fluent
import SynligCore
import Vapor

/// A signed-in user's own second factor at `/account/second-factor`: enrol an authenticator
/// app with a QR code, confirm it with a code and receive reserve codes once, or remove it.
struct SecondFactorController: RouteCollection {
    struct EnrolmentPage: Encodable {
        var page: PageContext
        /// On: the remove form. Off: the QR code, the key and the confirm form.
        var enrolled: Bool
        var removed: Bool
        /// Inline SVG drawn by `QRCode`; it holds no text from the user except the escaped label.
        var qrSVG: String?
        var secretGroups: String?
        var remaining: String?
        var message: String?
        /// Where the code form posts: confirming the app, or (when on) removing it.
        var action: String
        var submitKey: String
        var passwordHref: String
    }

    struct RecoveryCodesPage: Encodable {
        var page: PageContext
        var codes: [String]
        var doneHref: String
    }

    struct CodeForm: Content {
        var code: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.signedIn.get(SiteURL.accountSecondFactor.pattern, use: show)
        routes.signedIn.post(SiteURL.accountSecondFactor.pattern, use: confirm)
        routes.signedIn.post(SiteURL.accountSecondFactorRemove.pattern, use: remove)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, removed: req.query[String.self, at: "removed"] == "1")
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        let user = try req.currentUser
        do {
            let codes = try await SecondFactorService.confirm(code: form.code ?? "", user: user, request: req)
            let response = try await req.renderPage("account/second-factor-codes", RecoveryCodesPage(
                page: .make(for: req, titleKey: "second_factor.codes_title"), codes: codes,
                doneHref: SiteURL.accountSecondFactor.path))
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let error as SynligError where error.status == .conflict {
            return req.redirect(to: SiteURL.accountSecondFactor.path)
        } catch let error as SynligError where error.status == .unauthorized || error.status == .tooManyRequests {
            return try await render(req, error: error)
        }
    }

    @Sendable func remove(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        do {
            try await SecondFactorService.remove(code: form.code ?? "", user: try req.currentUser, request: req)
            return req.redirect(to: SiteURL.accountSecondFactor.path + "?removed=1")
        } catch let error as SynligError where error.status == .notFound {
            return req.redirect(to: SiteURL.accountSecondFactor.path)
        } catch let error as SynligError where error.status == .unauthorized || error.status == .tooManyRequests {
            return try await render(req, error: error)
        }
    }

    private func render(_ req: Request, removed: Bool = false, error: SynligError? = nil) async throws -> Response {
        let user = try req.currentUser
        var page = EnrolmentPage(page: .make(for: req, titleKey: "second_factor.title"), enrolled: false, removed: removed,
                                 message: error?.message(req.application.localizer, req.textLanguage),
                                 action: SiteURL.accountSecondFactor.path, submitKey: "second_factor.confirm",
                                 passwordHref: SiteURL.accountPassword.path)
        if try await SecondFactorService.confirmedFactor(userID: user.id, on: req.db) != nil {
            page.enrolled = true
            page.action = SiteURL.accountSecondFactorRemove.path
            page.submitKey = "second_factor.remove"
            let left = try await SecondFactorService.remainingRecoveryCodes(userID: user.id, on: req.db)
            page.remaining = req.application.localizer.plural("second_factor.remaining", req.textLanguage, count: left)
        } else {
            let factor = try await SecondFactorService.pendingEnrolment(for: user, request: req)
            let totp = try SecondFactorService.totp(for: factor, request: req)
            let uri = totp.provisioningURI(accountName: user.organisationName + ":" + user.email)
            page.qrSVG = try QRCode.encode(uri).svg(label: req.t("second_factor.qr_label"), className: "qr-code")
            page.secretGroups = Base32.grouped(totp.secret)
        }
        let response = try await req.renderCodePage("account/second-factor", error: error) { errors in
            var withErrors = page
            withErrors.page = .make(for: req, titleKey: "second_factor.title", errors: errors)
            return withErrors
        }
        // The page shows a secret: no cache may keep it.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
