/// Who may use each route of Synlig: the authorization matrix's expectations, declared here by
/// hand and read by `AuthorizationMatrixTests`, which visits every route of the router and of
/// `openapi.yaml`. A route that no line below matches fails the test, and so does a line that
/// matches no route, so the table cannot drift from the code.
///
/// One line per rule: `METHOD PATH WHO [FLAGS]`; the first line that matches a route decides.
/// - METHOD: GET, POST, PUT, DELETE, or `*` for any.
/// - PATH: the registered pattern; `:x` is a path parameter of any name, `*` any one segment,
///   `**` (last) any rest, also none.
/// - WHO: `public` (no sign-in), `signed-in` (any role), or roles and groups joined by `,`.
/// - FLAGS: `strong` — shows people's records, so a weak sign-in in an organisation that asks
///   for a strong one is sent to step up (pages) or refused with 403 (forms, API);
///   `ends-session` — visited last by each identity.
///
/// What the others get: a visitor is sent to the login page (pages) or gets 401 (API); a role
/// not listed gets 403 (in another organisation 403 or 404: neither says whether the record
/// exists); a listed role of another organisation gets 404 for a record of this one, and sees
/// none of its people in a list. The role and the record come before the body: the matrix
/// posts `{}` (API) or a form with no fields of the route's own, so a 400, 422 or 428 where
/// 403 or 404 is due fails it. A weak sign-in in A sees no person's name outside `strong` routes.
enum AuthorizationMatrix {
    static let groups: [String: String] = [
        "records": "consultant,caseOfficer,staff",          // people's records (CaregiverAccess)
        "planners": "admin,strategist",                     // mapping, plan and decisions: manage
        "overview": "admin,strategist,viewer",              // mapping, plan and decisions: read
        "catalogue": "admin,strategist,consultant",         // support catalogue and its inbox
        "crisis": "admin,strategist,consultant",            // the crisis list and events
        "statistics": "admin,strategist,viewer,consultant", // de-identified statistics
        "lifters": "consultant,caseOfficer",                // lift or review a restriction on involvement
        "keepers": "admin,consultant",                      // the caregiver register's settings
    ]

    static let table = """
    # --- Operations, language, sign-in: open to anyone ---------------------------------------
    GET    /health                                        public
    GET    /language/:x                                   public
    GET    /login                                         public
    POST   /login                                         public
    GET    /login/eid                                     public
    GET    /login/eid/callback                            public
    GET    /login/eid/jwks.json                           public
    GET    /login/second-factor                           public
    POST   /login/second-factor                           public
    GET    /setup/:x                                      public
    POST   /setup/:x                                      public

    # --- The caregivers' public pages: no sign-in, no cookies --------------------------------
    *      /stod/**                                       public
    *      /en/support/**                                 public
    *      /fi/support/**                                 public

    # --- One's own account and start page -----------------------------------------------------
    GET    /                                              signed-in
    POST   /logout                                        signed-in   ends-session
    GET    /login/step-up                                 signed-in
    POST   /login/step-up                                 signed-in
    *      /account/**                                    signed-in

    # --- Administration and privacy review ----------------------------------------------------
    *      /admin/**                                      admin

    # --- Mapping, question banks, development plan, decisions ---------------------------------
    GET    /mappings/:x/responses/:x                      overview
    POST   /mappings/:x/responses/:x                      planners
    GET    /mappings/:x/responses/:x/history              overview
    GET    /mappings                                      overview
    GET    /mappings/new                                  planners
    POST   /mappings                                      planners
    GET    /mappings/:x                                   overview
    POST   /mappings/:x/status                            planners
    POST   /mappings/:x/**                                planners
    GET    /mappings/:x/**                                overview
    GET    /question-banks                                overview
    POST   /question-banks                                planners
    GET    /question-banks/:x                             overview
    POST   /question-banks/:x/**                          planners
    GET    /plan/goals/new                                planners
    POST   /plan/goals/:x/follow-ups                      planners
    GET    /plan/**                                       overview
    POST   /plan/**                                       planners
    GET    /decisions/analyses/new                        planners
    GET    /decisions/**                                  overview
    POST   /decisions/**                                  planners

    # --- Support catalogue, group support, contact requests -----------------------------------
    *      /support/requests/**                           catalogue   strong
    *      /support/occasions/**                          records     strong
    *      /support/**                                    catalogue

    # --- Referrals between organisations ------------------------------------------------------
    *      /referrals/**                                  records     strong

    # --- The caregiver record -----------------------------------------------------------------
    *      /caregivers/settings                           keepers
    GET    /caregivers/:x/extract                         consultant  strong
    GET    /caregivers/:x/extract.json                    consultant  strong
    *      /caregivers/:x/erase                           consultant  strong
    *      /caregivers/:x/corrections/:x/strike           consultant  strong
    *      /caregivers/:x/retention                       consultant  strong
    GET    /recipients/:x/extract                         consultant  strong
    GET    /recipients/:x/extract.json                    consultant  strong
    *      /recipients/:x/erase                           consultant  strong
    *      /recipients/:x/corrections/:x/strike           consultant  strong
    POST   /caregivers/restrictions/:x/lift               lifters     strong
    POST   /caregivers/restrictions/:x/review             lifters     strong
    *      /caregivers/**                                 records     strong
    *      /recipients/**                                 records     strong
    *      /plans/**                                      records     strong

    # --- Statistics: de-identified ------------------------------------------------------------
    POST   /statistics/publication                        admin
    POST   /statistics/population                         admin
    GET    /statistics                                    statistics
    GET    /statistics.csv                                statistics
    GET    /statistics/national                           statistics

    # --- Crisis readiness ---------------------------------------------------------------------
    *      /crisis/**                                     crisis      strong

    # --- JSON API: open -----------------------------------------------------------------------
    GET    /api/v1/openapi.yaml                           public
    POST   /api/v1/auth/token                             public
    GET    /api/v1/open-data/**                           public

    # --- JSON API: signed in ------------------------------------------------------------------
    DELETE /api/v1/auth/token                             signed-in   ends-session
    GET    /api/v1/me                                     signed-in
    GET    /api/v1/me/mapping-responses                   signed-in
    GET    /api/v1/organisation                           signed-in
    GET    /api/v1/units                                  signed-in
    GET    /api/v1/units/:x                               signed-in
    *      /api/v1/units/**                               admin
    *      /api/v1/users/**                               admin
    GET    /api/v1/jobs                                   admin
    *      /api/v1/access-log/reviews                     admin

    GET    /api/v1/question-banks/**                      signed-in
    GET    /api/v1/mappings/:x/responses/:x               overview
    PUT    /api/v1/mappings/:x/responses/:x/answers       planners
    GET    /api/v1/mappings/**                            overview
    *      /api/v1/mappings/**                            planners
    GET    /api/v1/goals/**                               overview
    POST   /api/v1/goals/:x/follow-ups                    planners
    *      /api/v1/goals/**                               planners
    PUT    /api/v1/actions/:x                             planners
    GET    /api/v1/routine-statuses                       overview

    GET    /api/v1/statistics/**                          statistics
    PUT    /api/v1/statistics/**                          admin

    *      /api/v1/support-offerings/**                   catalogue
    *      /api/v1/civil-society-organisations            catalogue
    POST   /api/v1/contact-requests/:x/caregiver          consultant  strong
    *      /api/v1/contact-requests/**                    catalogue   strong
    *      /api/v1/group-occasions/**                     records     strong
    *      /api/v1/group-sign-ups/**                      records     strong

    *      /api/v1/referrals/**                           records     strong
    *      /api/v1/caregiver-settings                     keepers
    GET    /api/v1/caregivers/:x/extract                  consultant  strong
    POST   /api/v1/caregivers/:x/erasure                  consultant  strong
    POST   /api/v1/recipients/:x/erasure                  consultant  strong
    POST   /api/v1/caregivers/:x/corrections/:x/strike    consultant  strong
    POST   /api/v1/recipients/:x/corrections/:x/strike    consultant  strong
    POST   /api/v1/caregivers/:x/retention-exemption      consultant  strong
    GET    /api/v1/recipients/:x/extract                  consultant  strong
    POST   /api/v1/restrictions/:x/*                      lifters     strong
    *      /api/v1/caregivers/**                          records     strong
    *      /api/v1/recipients/**                          records     strong
    *      /api/v1/relationships/**                       records     strong
    *      /api/v1/invitations/**                         records     strong
    GET    /api/v1/screening-instruments                  records     strong
    *      /api/v1/support-needs/**                       records     strong
    *      /api/v1/feedback/**                            records     strong
    GET    /api/v1/worklist                               records     strong
    POST   /api/v1/tasks/:x/done                          records     strong
    *      /api/v1/coordinated-plans/**                   records     strong
    *      /api/v1/responsibilities/**                    records     strong
    *      /api/v1/patient-contracts/**                   records     strong
    *      /api/v1/recipient-tasks/**                     records     strong
    """
}
