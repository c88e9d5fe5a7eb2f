/// The voice map (issue 17): every utterance's voice embedding as a point in the plane of
/// its first two principal components, a colour per speaker, filled discs for voices seen in
/// training and rings for held-out ones, each speaker's number at the centre of its points.
/// If voices separate, each number sits on its own cluster; a held-out ring landing among
/// other colours is a voice the encoder confuses with them.
///
/// The labels are numbers because the bitmap font has digits only; the page lists which
/// speaker each number is (``VoiceMap/legend``).
public struct VoiceMap: Sendable {
    /// One utterance's embedding and whose voice it is.
    public struct Point: Sendable {
        public let speaker: String
        public let heldOut: Bool
        public let embedding: [Float]
        public init(speaker: String, heldOut: Bool, embedding: [Float]) {
            self.speaker = speaker; self.heldOut = heldOut; self.embedding = embedding
        }
    }

    public let points: [Point]
    /// Speakers in order of first appearance; speaker k is labelled k + 1.
    public let speakers: [String]
    public let pca: PrincipalComponents

    public var size = 420
    static let radius = 4, margin = 28

    public init(_ points: [Point]) throws {
        pca = try PrincipalComponents(points.map(\.embedding), count: 2)
        self.points = points
        var seen: [String] = []
        for p in points where !seen.contains(p.speaker) { seen.append(p.speaker) }
        speakers = seen
    }

    /// `1. name` lines (with "held out" where it applies) for the page, in label order, and
    /// the share of variance the two axes show.
    public var legend: String {
        let total = pca.variances.reduce(0, +)
        let lines = speakers.enumerated().map { k, name in
            "\(k + 1). `\(name)`" + (points.contains { $0.speaker == name && $0.heldOut } ? " (held out: ring)" : "")
        }
        return lines.joined(separator: "\n") + "\n\nAxes: the first two principal components"
            + (total > 0 ? "" : " (the embeddings do not vary)") + "."
    }

    public func image() throws -> RGBImage {
        let xy = points.map { pca.project($0.embedding) }
        let xs = xy.map { $0[0] }, ys = xy.map { $0[1] }
        let (x0, x1) = (xs.min()!, xs.max()!), (y0, y1) = (ys.min()!, ys.max()!)
        let inner = Double(size - 2 * Self.margin)
        func pixel(_ x: Double, _ y: Double) -> (Int, Int) {
            let u = x1 > x0 ? (x - x0) / (x1 - x0) : 0.5, v = y1 > y0 ? (y - y0) / (y1 - y0) : 0.5
            return (Self.margin + Int((u * inner).rounded()), size - Self.margin - Int((v * inner).rounded()))
        }
        var image = RGBImage(width: size, height: size)
        let frame: (UInt8, UInt8, UInt8) = (160, 160, 160)
        for t in Self.margin / 2...(size - Self.margin / 2) {
            for edge in [Self.margin / 2, size - Self.margin / 2] { image.plot(t, edge, frame); image.plot(edge, t, frame) }
        }
        for (p, point) in zip(xy, points) {
            let (cx, cy) = pixel(p[0], p[1])
            let colour = Self.palette[(speakers.firstIndex(of: point.speaker) ?? 0) % Self.palette.count]
            let r = Self.radius
            for dy in -r...r {
                for dx in -r...r {
                    let d2 = dx * dx + dy * dy
                    if point.heldOut ? (d2 <= r * r && d2 >= (r - 2) * (r - 2)) : d2 <= r * r { image.plot(cx + dx, cy + dy, colour) }
                }
            }
        }
        for (k, name) in speakers.enumerated() {
            let mine = xy.indices.filter { points[$0].speaker == name }
            let cx = mine.map { xy[$0][0] }.reduce(0, +) / Double(mine.count)
            let cy = mine.map { xy[$0][1] }.reduce(0, +) / Double(mine.count)
            let (px, py) = pixel(cx, cy), text = "\(k + 1)"
            let w = BitmapFont.width(of: text, scale: 2)
            for dy in -1...10 { for dx in -1...(w) { image.plot(px - w / 2 + dx, py - 5 + dy, (255, 255, 255)) } }
            BitmapFont.draw(text, x: px - w / 2, y: py - 4, scale: 2) { image.plot($0, $1, (0, 0, 0)) }
        }
        return image
    }

    /// Ten distinguishable colours (Tableau 10), reused cyclically past ten speakers.
    static let palette: [(UInt8, UInt8, UInt8)] = [
        (78, 121, 167), (242, 142, 43), (225, 87, 89), (118, 183, 178), (89, 161, 79),
        (237, 201, 72), (176, 122, 161), (255, 157, 167), (156, 117, 95), (186, 176, 172),
    ]
}
