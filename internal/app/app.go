// Package app wires xaso's HTTP server: the pages (internal/web) and the JSON API
// (internal/api) mounted on one mux, behind one middleware chain and one table of
// access rules, sharing the look-up limiter and the attachment service. It is the one
// place that imports both, so that neither imports the other (as miniflux's ui and
// api); `xaso serve` and internal/webtest build the server here.
package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/store"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/api"
	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/web"
)

// New builds the server of d's pages and the API. d.Files, d.Lookups, d.Routes and (when
// nil) d.Payments are set here, so that both share them.
func New(d web.Deps) (*web.Server, error) {
	// Public look-ups of a dossier (the look-up page, GET /api/v1/lookup/{code}, the
	// verification pages) share one limiter per client address.
	d.Lookups = web.NewLookups()
	// Each image's preview is made once and kept: this counts the decodings for it.
	previewsMade := prometheus.NewCounter(prometheus.CounterOpts{Name: "xaso_previews_made_total",
		Help: "Image previews made (each one decoding of an image), then kept in the blob store."})
	d.Metrics.MustRegister(previewsMade)
	d.Files = &dossierfile.Service{Store: d.Store, Blobs: d.Blobs, PreviewMade: previewsMade.Inc}
	// The pages and the API run the payments through one service.
	if d.Payments == nil {
		d.Payments = &payment.Service{Store: d.Store}
		if d.Dossiers != nil {
			d.Payments.Now = d.Dossiers.Now
		}
	}
	// The pages and the API handle citizens' feedback through one service.
	if d.Feedback == nil {
		d.Feedback = &feedback.Service{Store: d.Store, Calendars: d.Calendars, Now: time.Now}
		if d.Dossiers != nil {
			d.Feedback.Now = d.Dossiers.Now
		}
	}
	// The kiosk's page and the API's tickets share one limiter per kiosk and address,
	// and one floor service.
	if d.Kiosks == nil {
		d.Kiosks = web.NewKiosks()
	}
	if d.Queue == nil {
		d.Queue = &queue.Service{Store: d.Store, Calendars: d.Calendars, BaseURL: d.BaseURL}
		if d.Dossiers != nil {
			d.Queue.Now = d.Dossiers.Now
		}
	}
	// And the certification register through one service.
	if d.Certifications == nil {
		d.Certifications = &certify.Service{Store: d.Store}
		if d.Dossiers != nil {
			d.Certifications.Now = d.Dossiers.Now
		}
	}
	// The pages and the API keep the document registers through one service.
	if d.Documents == nil {
		d.Documents = web.NewDocuments(d)
	}
	if d.Exchange == nil {
		WireExchange(&d, nil)
	}
	if d.Accounts == nil {
		d.Accounts = &account.Service{Store: d.Store, Hasher: d.Auth.Hasher()}
	}
	// The loudspeakers: the calling screen's voice reads bulletins too, ffmpeg makes their
	// sound (without it, bulletins are refused with audio_unavailable).
	if d.Broadcast == nil {
		d.Broadcast = NewBroadcast(d)
	}
	if d.Announcements == nil {
		d.Announcements = &announce.Service{Store: d.Store, Bulletins: d.Broadcast, Blobs: d.Blobs, Now: d.Broadcast.Now, BaseURL: d.BaseURL}
	}
	// The pages and the API open citizens' accounts through one service (one limiter
	// of code requests per address).
	if d.Citizens == nil {
		d.Citizens = web.NewCitizens(d)
	}
	if d.Notify == nil {
		d.Notify = NewNotify(d)
	}
	// The pages and the API run the community (villages, teams, help requests) through
	// one service.
	if d.Community == nil {
		d.Community = &community.Service{Store: d.Store, Calendars: d.Calendars, Now: time.Now}
		if d.Dossiers != nil {
			d.Community.Now = d.Dossiers.Now
		}
	}
	// The pages and the API run the products and the Digital Link resolver through one
	// service.
	if d.Products == nil {
		d.Products = &product.Service{Store: d.Store, Blobs: d.Blobs, Now: time.Now}
		if d.Dossiers != nil {
			d.Products.Now = d.Dossiers.Now
		}
	}
	// And the QR forms, with one flood guard per address.
	if d.QRForms == nil {
		d.QRForms = &qrform.Service{Store: d.Store, Files: d.QRFormFiles, Limiter: qrform.NewAnswerLimiter(), BaseURL: d.BaseURL, Now: time.Now}
		if d.Dossiers != nil {
			d.QRForms.Now = d.Dossiers.Now
		}
	}
	// And the health station's tele-health through one service; a phone is proven by the
	// citizens' one-time codes.
	if d.Telehealth == nil {
		d.Telehealth = &telehealth.Service{Store: d.Store, Calendars: d.Calendars, BaseURL: d.BaseURL, VideoURL: DefaultVideoURL, Now: time.Now}
		if d.Citizens != nil {
			d.Telehealth.Phones = d.Citizens
		}
		if d.Dossiers != nil {
			d.Telehealth.Now = d.Dossiers.Now
		}
	}
	var unlock func(int64, func() error) error
	if d.Auth != nil {
		unlock = d.Auth.UnlockPassphrase
	}
	d.Routes = api.Routes(api.Deps{Community: d.Community, QRForms: d.QRForms, Broadcast: d.Broadcast, Announcements: d.Announcements, Accounts: d.Accounts, Citizens: d.Citizens, Store: d.Store, Calendars: d.Calendars, Dossiers: d.Dossiers,
		HomeUnitID: d.HomeUnitID, Lookups: d.Lookups, TrustProxy: d.TrustProxy, BaseURL: d.BaseURL, Log: d.Log,
		Files: d.Files, FileLimit: d.FileLimit, Payments: d.Payments, Feedback: d.Feedback, Queue: d.Queue, Kiosks: d.Kiosks,
		Certifications: d.Certifications, Documents: d.Documents, Exchange: d.Exchange, Notify: d.Notify, Telehealth: d.Telehealth,
		UnlockPassphrase: unlock, TSAURL: d.TSAURL,
		Products: d.Products})
	return web.New(d)
}

// DefaultVideoURL is the Jitsi-compatible server of tele-health's video rooms when none
// is configured (--telehealth-video-url).
const DefaultVideoURL = "https://meet.jit.si"

// NewBroadcast is the loudspeakers' service of deps (made before New when something else
// needs the same instance, as `xaso serve`'s live streams do: an approval wakes them).
func NewBroadcast(d web.Deps) *broadcast.Service {
	b := &broadcast.Service{Store: d.Store, Voice: d.Speech, Blobs: d.Blobs, Now: time.Now}
	if d.Dossiers != nil {
		b.Now = d.Dossiers.Now
	}
	if tools, err := audio.Find(); err == nil {
		b.Sounds = tools
	}
	return b
}

// NewNotify is the notifications' service of deps: a dossier's status answered to a
// message asking it with the same privacy as the look-up (the code and its secret), five
// questions per sender and a minute's refill.
func NewNotify(d web.Deps) *notify.Service {
	n := &notify.Service{Store: d.Store, Announcements: d.Store, HomeUnitID: d.HomeUnitID, Senders: ratelimit.New(5, 1), Now: time.Now,
		Subject: "mailto:notify@xaso.invalid", Lookup: DossierAnswer(d.Store)}
	if d.BaseURL != "" {
		n.Subject = d.BaseURL
	}
	if d.Dossiers != nil {
		n.Now = d.Dossiers.Now
	}
	return n
}

// DossierAnswer answers "ask by message": the dossier's status and appointment when the
// code and the look-up secret match; anything else is "not found" alike.
func DossierAnswer(st *store.Store) func(ctx context.Context, code, secret string) (notify.Answer, error) {
	return func(ctx context.Context, code, secret string) (notify.Answer, error) {
		d, err := st.DossierByCode(ctx, code)
		if errors.Is(err, apperr.ErrNotFound) {
			return notify.Answer{}, nil
		}
		if err != nil {
			return notify.Answer{}, err
		}
		if d.Secret == "" || subtle.ConstantTimeCompare([]byte(strings.ToUpper(secret)), []byte(d.Secret)) != 1 {
			return notify.Answer{}, nil
		}
		a := notify.Answer{Found: true, UnitID: d.CompetentUnitID, Status: d.Status.Label()}
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due = d.ExtendedDueAt
		}
		if !due.IsZero() {
			a.DueDate = due.In(locale.Zone).Format("02/01/2006")
		}
		return a, nil
	}
}
