package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
)

func edxmlCmd() *command {
	return group("edxml", "gói tin văn bản điện tử QCVN 102:2016 (parse, build edXML)",
		`"xaso edxml parse FILE" đọc một gói tin edXML (văn bản hoặc trạng thái; "-" là đầu vào chuẩn) và in các
trường dưới dạng JSON (tệp đính kèm mã hóa base64). "xaso edxml build [FILE]" làm ngược lại: đọc JSON cùng
dạng và in gói tin edXML. Gói tin sai quy chuẩn, quá lớn, có DOCTYPE hoặc thực thể bị từ chối với mã lỗi.
"xaso edxml platform --addr HOST:PORT" chạy một trục liên thông văn bản giả lập (bộ nhớ tạm, không xác thực)
để hai máy xaso thử trao đổi văn bản với nhau; chỉ dùng để thử nghiệm và trình diễn.
Các lệnh này không mở cơ sở dữ liệu.`,
		sub{name: "parse", synopsis: "parse FILE",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) != 1 {
						return usagef("cần đúng một tệp edXML (hoặc - cho đầu vào chuẩn)")
					}
					data, err := readArg(sio, args[0], edxml.DefaultLimits.MaxBytes)
					if err != nil {
						return err
					}
					m, err := edxml.ParseBytes(data)
					if err != nil {
						return fmt.Errorf("gói tin edXML bị từ chối (refused): %w", err)
					}
					enc := json.NewEncoder(sio.out)
					enc.SetIndent("", "  ")
					enc.SetEscapeHTML(false)
					return enc.Encode(m)
				}
			}},
		sub{name: "build", synopsis: "build [FILE]",
			setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
				return func(ctx context.Context, sio stdio, args []string) error {
					if len(args) > 1 {
						return usagef("nhiều nhất một tệp JSON")
					}
					name := "-"
					if len(args) == 1 {
						name = args[0]
					}
					data, err := readArg(sio, name, edxml.DefaultLimits.MaxBytes)
					if err != nil {
						return err
					}
					var m edxml.Message
					dec := json.NewDecoder(bytes.NewReader(data))
					dec.DisallowUnknownFields()
					if err := dec.Decode(&m); err != nil {
						return fmt.Errorf("JSON không đúng dạng (invalid JSON): %w", err)
					}
					out, err := edxml.Build(&m)
					if err != nil {
						return fmt.Errorf("không lập được gói tin edXML (refused): %w", err)
					}
					_, err = sio.out.Write(out)
					return err
				}
			}},
		platformSub())
}

// platformSub runs the fake exchange platform until interrupted.
func platformSub() sub {
	return sub{name: "platform", synopsis: "platform [--addr HOST:PORT]",
		setup: func(fs *flag.FlagSet, cfg *config.Config) runner {
			addr := fs.String("addr", "127.0.0.1:8099", "địa chỉ lắng nghe của trục giả lập")
			return func(ctx context.Context, sio stdio, args []string) error {
				if len(args) != 0 {
					return usagef("lệnh platform không nhận tham số")
				}
				l, err := net.Listen("tcp", *addr)
				if err != nil {
					return err
				}
				fmt.Fprintf(sio.err, "Trục liên thông giả lập (fake exchange platform) tại http://%s/messages\n", l.Addr())
				hs := &http.Server{Handler: exchange.NewFake(), ReadHeaderTimeout: 10 * time.Second}
				go func() { <-ctx.Done(); hs.Close() }()
				if err := hs.Serve(l); !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return nil
			}
		}}
}

// readArg reads the file name ("-": standard input), at most max bytes.
func readArg(sio stdio, name string, max int64) ([]byte, error) {
	var r io.Reader = sio.in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("không mở được tệp (cannot open): %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("tệp quá lớn (larger than %d bytes)", max)
	}
	return data, nil
}
