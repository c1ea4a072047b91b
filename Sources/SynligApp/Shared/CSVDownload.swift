import Vapor

extension Response {
    /// A CSV file to download: UTF-8 (the text carries its BOM), saved under `filename`.
    static func csvDownload(_ text: String, filename: String, cacheControl: String? = nil) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        if let cacheControl { headers.replaceOrAdd(name: .cacheControl, value: cacheControl) }
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
