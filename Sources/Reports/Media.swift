import Foundation

/// What a file is for, read from its name's stem: `target`, `truth`, `reference`, `gt` mark
/// ground truth; `attention`/`alignment` an attention map; anything else is a prediction.
enum MediaRole: Int, Comparable {
    case prediction, groundTruth, attention, other

    init(name: String) {
        let stem = (name.split(separator: "/").last.map(String.init) ?? name).lowercased()
        if ["attention", "align"].contains(where: stem.contains) {
            self = .attention
        } else if ["truth", "target", "reference", "ground", "gt"].contains(where: stem.contains) {
            self = .groundTruth
        } else {
            self = .prediction
        }
    }

    /// CSS class suffix.
    var slug: String { label.replacingOccurrences(of: " ", with: "-") }

    var label: String {
        switch self {
        case .prediction: "prediction"
        case .groundTruth: "ground truth"
        case .attention: "attention"
        case .other: ""
        }
    }

    static func < (a: MediaRole, b: MediaRole) -> Bool { a.rawValue < b.rawValue }
}

/// One image, audio clip or file as a page shows it.
struct MediaView {
    let name: String
    let caption: String
    /// Relative to the page; nil when the bytes are missing.
    let href: String?
    let mediaType: String
    /// `prediction`, `ground-truth` or `attention`.
    let role: String
    let isImage: Bool
    let isAudio: Bool
    let missing: Bool
}

/// The files of one synthesised sentence (artifacts named `group/file`).
struct SentenceGroup {
    let key: String
    let text: String?
    let items: [MediaArtifact]
}

extension MediaArtifact {
    var isImage: Bool { mediaType.hasPrefix("image/") }
    var isAudio: Bool { mediaType.hasPrefix("audio/") }
    var isText: Bool { mediaType.hasPrefix("text/") }
    /// The folder part of the name (`synth/03` of `synth/03/predicted.wav`), if any.
    var group: String? {
        guard let slash = name.lastIndex(of: "/") else { return nil }
        return String(name[..<slash])
    }
}

/// Splits artifacts into sentence groups (in first-seen order) and loose files; a group's
/// `text/plain` file becomes its sentence, not an item.
func sentenceGroups(_ artifacts: [MediaArtifact]) -> (groups: [SentenceGroup], loose: [MediaArtifact]) {
    var order: [String] = []
    var members: [String: [MediaArtifact]] = [:]
    var loose: [MediaArtifact] = []
    for a in artifacts {
        guard let g = a.group, a.isImage || a.isAudio || a.isText else {
            loose.append(a)
            continue
        }
        if members[g] == nil { order.append(g) }
        members[g, default: []].append(a)
    }
    let groups = order.map { key -> SentenceGroup in
        let files = members[key] ?? []
        let text = files.first(where: \.isText).flatMap { $0.bytes }
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        let items = files.filter { !$0.isText }.sorted {
            ($0.isAudio ? 1 : 0, MediaRole(name: $0.name)) < ($1.isAudio ? 1 : 0, MediaRole(name: $1.name))
        }
        return SentenceGroup(key: key, text: text, items: items)
    }
    // A group with only a text file is still a sentence; a group without text or media
    // cannot occur (it was made from at least one file).
    return (groups, loose)
}

/// Collects the media files of one page: each artifact's bytes get a safe, unique path
/// under `media/`, relative to the page.
struct MediaFolder {
    private(set) var files: [(path: String, bytes: Data)] = []
    private var used: Set<String> = []

    /// The view of `artifact`, copying its bytes into the folder; `prefix` keeps runs apart
    /// on a comparison page.
    mutating func add(_ artifact: MediaArtifact, prefix: String = "", caption: String? = nil) -> MediaView {
        let role = MediaRole(name: artifact.name)
        let file = artifact.name.split(separator: "/").last.map(String.init) ?? artifact.name
        var captionText = caption ?? (artifact.group == nil ? artifact.name : file)
        if let step = artifact.step { captionText += " · step \(step)" }
        var href: String?
        if let bytes = artifact.bytes {
            let path = uniquePath(prefix + Self.slug(artifact.name))
            files.append((path, bytes))
            href = path
        }
        return MediaView(name: artifact.name, caption: captionText, href: href,
                         mediaType: artifact.mediaType, role: role.slug, isImage: artifact.isImage,
                         isAudio: artifact.isAudio, missing: href == nil)
    }

    private mutating func uniquePath(_ slug: String) -> String {
        var path = "media/" + slug
        var n = 2
        while used.contains(path) {
            let ext = (slug as NSString).pathExtension
            let stem = (slug as NSString).deletingPathExtension
            path = "media/\(stem)-\(n)" + (ext.isEmpty ? "" : ".\(ext)")
            n += 1
        }
        used.insert(path)
        return path
    }

    /// `synth/03/predicted.wav` → `synth-03-predicted.wav`: letters, digits, `-`, `_`, `.`
    /// only, no leading dot, so no name can leave the folder or need URL escaping.
    static func slug(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")) ? c : "-"
        })
        while out.hasPrefix(".") { out.removeFirst() }
        out = String(out.prefix(80))
        return out.isEmpty ? "file" : out
    }
}
