/// What went wrong in the text front end, with what to do about it.
public enum TextError: Error, Equatable, CustomStringConvertible {
    /// libespeak-ng could not start (its data files are missing or unreadable).
    case espeakUnavailable(String)
    /// libespeak-ng does not know the voice name.
    case unknownVoice(String)
    /// The text has nothing that libespeak-ng pronounces (empty, or only punctuation).
    case nothingToPronounce(String)
    /// A vocabulary file could not be read or is malformed.
    case badVocabulary(path: String, line: Int?, reason: String)

    public var description: String {
        switch self {
        case .espeakUnavailable(let reason):
            return "libespeak-ng could not start (\(reason)); install espeak-ng-data "
                + "(scripts/install-deps) or set ESPEAK_DATA_PATH"
        case .unknownVoice(let voice):
            return "libespeak-ng has no voice '\(voice)'; list voices with "
                + "`espeak-ng --voices=en` and `espeak-ng --voices=variant` (e.g. en-us, en+m2, en-us+f3)"
        case .nothingToPronounce(let text):
            return "the text \"\(text.prefix(80))\" has nothing to pronounce (no letters or "
                + "digits that espeak-ng speaks); fix or remove it"
        case .badVocabulary(let path, let line, let reason):
            let place = line.map { "\(path):\($0)" } ?? path
            return "\(place): \(reason)"
        }
    }
}
