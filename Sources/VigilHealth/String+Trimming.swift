extension String {
    func trimmingSuffixWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last.isWhitespace { end = index(before: end) }
        return self[..<end]
    }
}
