package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/speech"
)

func speakCmd() *command {
	return &command{name: "speak", synopsis: "speak --text T (--normalize | --out FILE.wav|FILE.mp3) [--abbreviations FILE]",
		summary: "đọc văn bản thành lời: in cách đọc, hoặc ghi tệp âm thanh (text to speech)",
		help: `Chuẩn hóa văn bản tiếng Việt để đọc thành lời như phát thanh viên miền Bắc: số (105 → một trăm linh năm,
24 → hai mươi tư), ngày (14/02/2026), giờ (7h30, 07:30), tiền (50.000đ), phần trăm, đơn vị đo, số điện thoại
đọc từng chữ số, chữ viết tắt (UBND, CCCD…) theo bảng có sẵn, thêm hoặc sửa bằng --abbreviations (mỗi dòng: chữ
viết tắt, dấu tab, cách đọc). --normalize in văn bản đã chuẩn hóa trên một dòng; --out ghi tệp WAV đọc bằng
espeak-ng (apt-get install espeak-ng), hoặc tệp MP3 theo dạng phát trên loa (một kênh, 44,1 kHz, 64 kbit/s, chuẩn
hóa độ to; cần ffmpeg: apt-get install ffmpeg) và in thời lượng. Văn bản dài quá 4.000 ký tự bị từ chối.`,
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			text := fs.String("text", "", "văn bản cần đọc")
			normalize := fs.Bool("normalize", false, "chỉ in văn bản đã chuẩn hóa")
			out := fs.String("out", "", "ghi âm thanh vào tệp .wav hoặc .mp3 này")
			abbreviations := fs.String("abbreviations", "", "tệp bảng chữ viết tắt bổ sung")
			fs.StringVar(&cfg.VoiceCommand, "voice-command", cfg.VoiceCommand, "chương trình đọc tiếng Việt thay espeak-ng: đọc văn bản từ stdin, ghi WAV ra stdout (env XASO_VOICE_COMMAND)")
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 0 || *text == "" || *normalize == (*out != "") {
					return usagef("cần --text và đúng một trong --normalize, --out")
				}
				var extra map[string]string
				if *abbreviations != "" {
					f, err := os.Open(*abbreviations)
					if err != nil {
						return fmt.Errorf("không mở được bảng chữ viết tắt (cannot open): %w", err)
					}
					extra, err = speech.ParseAbbreviations(f)
					f.Close()
					if err != nil {
						return err
					}
				}
				said, err := speech.NewReader(extra).Normalize(*text)
				if err != nil {
					return err
				}
				if *normalize {
					_, err := fmt.Fprintln(sio.out, said)
					return err
				}
				name := strings.ToLower(*out)
				if !strings.HasSuffix(name, ".wav") && !strings.HasSuffix(name, ".mp3") {
					return usagef("--out ghi tệp .wav hoặc .mp3")
				}
				var voice speech.Synthesizer
				if cfg.VoiceCommand != "" {
					c, err := speech.ParseCommand(cfg.VoiceCommand)
					if err != nil {
						return err
					}
					voice = c
				} else {
					e, err := speech.FindESpeak()
					if err != nil {
						return err
					}
					voice = e
				}
				sound, err := voice.Synthesize(ctx, said)
				if err != nil {
					return err
				}
				if strings.HasSuffix(name, ".mp3") {
					// The speakers' form: MP3, mono, loudness-normalised, its duration measured.
					tools, err := audio.Find()
					if err != nil {
						return err
					}
					var info audio.Info
					if sound, info, err = tools.Convert(ctx, sound); err != nil {
						return err
					}
					fmt.Fprintf(sio.out, "%s: %s giây\n", *out, locale.Decimal(info.Seconds, 2))
				}
				return os.WriteFile(*out, sound, 0o644)
			}
		}}
}
