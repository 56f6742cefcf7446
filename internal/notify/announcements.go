package notify

import (
	"context"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/unit"
)

// AnnouncementConsentText is what a citizen agrees to when subscribing to their commune's
// announcements (recorded with each subscription, Law 91/2025).
const AnnouncementConsentText = "Tôi đồng ý nhận thông báo của Ủy ban nhân dân xã (của toàn xã và/hoặc các thôn, xóm tôi chọn) qua các kênh nhận thông báo tôi đã đồng ý."

// AnnouncementSubscription is one of a citizen's subscriptions to a commune's
// announcements: the whole commune (VillageID 0) or one village.
type AnnouncementSubscription struct {
	UnitID      int64
	VillageID   int64 // 0: the whole commune
	Text        string
	GrantedAt   time.Time
	WithdrawnAt time.Time // zero: in force
}

// AnnouncementStore is what the subscriptions need from storage.
type AnnouncementStore interface {
	// AnnouncementSubscriptions lists a user's subscriptions in a unit, withdrawn ones
	// included.
	AnnouncementSubscriptions(ctx context.Context, userID, unitID int64) ([]AnnouncementSubscription, error)
	// SetAnnouncementSubscriptions makes the user's subscriptions in a unit exactly
	// villages (0: the whole commune) with text, withdrawing the others, in one
	// transaction with its audit record.
	SetAnnouncementSubscriptions(ctx context.Context, userID, unitID int64, villages []int64, text string) error
	Villages(ctx context.Context, unitID int64) ([]unit.Village, error)
}

// ErrSubscriptionVillage: a village that is not the commune's.
var ErrSubscriptionVillage = apperr.New(apperr.Invalid, "subscription_village_invalid", "Thôn, xóm được chọn không thuộc xã.")

// maxSubscribedVillages bounds the villages one citizen follows.
const maxSubscribedVillages = 200

// Subscriptions is the logged-in citizen's subscriptions in force to the announcements of
// unitID: whole commune, and the villages.
func (s *Service) Subscriptions(ctx context.Context, p *auth.Principal, unitID int64) (commune bool, villages []int64, err error) {
	if p == nil || p.UserID == 0 {
		return false, nil, ErrNotCitizen
	}
	if s.Announcements == nil {
		return false, nil, nil
	}
	subs, err := s.Announcements.AnnouncementSubscriptions(ctx, p.UserID, unitID)
	if err != nil {
		return false, nil, err
	}
	for _, sub := range subs {
		switch {
		case !sub.WithdrawnAt.IsZero():
		case sub.VillageID == 0:
			commune = true
		default:
			villages = append(villages, sub.VillageID)
		}
	}
	return commune, villages, nil
}

// SubscribeAnnouncements sets the logged-in citizen's subscriptions to the announcements of unitID:
// the whole commune and/or villages of it (none of either: unsubscribed).
func (s *Service) SubscribeAnnouncements(ctx context.Context, p *auth.Principal, unitID int64, commune bool, villages []int64) error {
	if p == nil || p.UserID == 0 {
		return ErrNotCitizen
	}
	if s.Announcements == nil {
		return apperr.ErrForbidden
	}
	villages = slices.Compact(slices.Sorted(slices.Values(villages)))
	if len(villages) > maxSubscribedVillages {
		return ErrSubscriptionVillage
	}
	if len(villages) > 0 {
		own, err := s.Announcements.Villages(ctx, unitID)
		if err != nil {
			return err
		}
		for _, v := range villages {
			if !slices.ContainsFunc(own, func(o unit.Village) bool { return o.ID == v }) {
				return ErrSubscriptionVillage
			}
		}
	}
	set := villages
	if commune {
		set = append([]int64{0}, villages...)
	}
	return s.Announcements.SetAnnouncementSubscriptions(ctx, p.UserID, unitID, set, AnnouncementConsentText)
}
