package web

// HoldVerifySlots takes every slot of the public verification page, as that many uploads
// being checked at once would, until release: a test sees the refusal without racing
// real uploads.
func (s *Server) HoldVerifySlots() (release func()) {
	for range cap(s.verifySlots) {
		s.verifySlots <- struct{}{}
	}
	return func() {
		for range cap(s.verifySlots) {
			<-s.verifySlots
		}
	}
}
