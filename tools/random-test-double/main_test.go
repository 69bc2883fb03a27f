package main

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/protobuf/types/known/structpb"
)

const urn = "urn:pulumi:dev::observability-stack::" + passwordToken + "::p"

func count(s, set string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune(set, r) {
			n++
		}
	}
	return n
}

func defaults(length int64) passwordParams {
	return passwordParams{Length: length, Upper: true, Lower: true, Numeric: true, Special: true}
}

func TestGenerateLengthAndClasses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       passwordParams
		allowed string
	}{
		{"all classes", defaults(64), upperChars + lowerChars + numericChars + defaultSpecial},
		{"no special", func() passwordParams { p := defaults(64); p.Special = false; return p }(),
			upperChars + lowerChars + numericChars},
		{"lower only", passwordParams{Length: 40, Lower: true}, lowerChars},
		{"numeric only", passwordParams{Length: 40, Numeric: true}, numericChars},
		{"length 1", defaults(1), upperChars + lowerChars + numericChars + defaultSpecial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 50; i++ {
				s, err := generate(tc.p)
				if err != nil {
					t.Fatal(err)
				}
				if utf8.RuneCountInString(s) != int(tc.p.Length) {
					t.Fatalf("length %d, want %d: %q", utf8.RuneCountInString(s), tc.p.Length, s)
				}
				if n := count(s, tc.allowed); n != len(s) {
					t.Fatalf("%q has characters outside %q", s, tc.allowed)
				}
			}
		})
	}
}

func TestGenerateUsesEveryEnabledClass(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		s, err := generate(defaults(64))
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range []string{upperChars, lowerChars, numericChars, defaultSpecial} {
			if count(s, set) > 0 {
				seen[set] = true
			}
		}
	}
	if len(seen) != 4 {
		t.Fatalf("only %d of 4 classes appeared in 20 passwords of 64 characters", len(seen))
	}
}

func TestGenerateMinimums(t *testing.T) {
	p := passwordParams{Length: 12, Lower: true, MinUpper: 3, MinNumeric: 4, MinSpecial: 2, MinLower: 1}
	for i := 0; i < 200; i++ {
		s, err := generate(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 12 || count(s, upperChars) < 3 || count(s, numericChars) < 4 ||
			count(s, defaultSpecial) < 2 || count(s, lowerChars) < 1 {
			t.Fatalf("%q misses a minimum of %+v", s, p)
		}
	}
	// As in the real provider, the minimums apply even to classes switched off.
	s, err := generate(passwordParams{Length: 8, Lower: true, MinNumeric: 8})
	if err != nil || count(s, numericChars) != 8 {
		t.Fatalf("generate = %q, %v; want 8 digits", s, err)
	}
}

func TestGenerateShufflesMinimums(t *testing.T) {
	// With 4 leading minimum characters unshuffled, the first character would always be a digit.
	p := passwordParams{Length: 16, Lower: true, MinNumeric: 4}
	digitsFirst := 0
	for i := 0; i < 200; i++ {
		s, err := generate(p)
		if err != nil {
			t.Fatal(err)
		}
		if count(s[:1], numericChars) == 1 {
			digitsFirst++
		}
	}
	if digitsFirst > 150 {
		t.Fatalf("a digit came first in %d of 200 passwords: the minimums are not shuffled in", digitsFirst)
	}
}

func TestGenerateOverrideSpecial(t *testing.T) {
	p := passwordParams{Length: 30, Special: true, OverrideSpecial: "-_", MinSpecial: 30}
	s, err := generate(p)
	if err != nil {
		t.Fatal(err)
	}
	if count(s, "-_") != 30 {
		t.Fatalf("%q: want only - and _", s)
	}
	p = passwordParams{Length: 200, Special: true, Lower: true, OverrideSpecial: "~"}
	s, err = generate(p)
	if err != nil {
		t.Fatal(err)
	}
	if count(s, lowerChars+"~") != len(s) || count(s, "~") == 0 {
		t.Fatalf("%q: want lower case and ~ only, with at least one ~", s)
	}
	// Non-ASCII override characters count as one character each.
	s, err = generate(passwordParams{Length: 10, Special: true, OverrideSpecial: "é"})
	if err != nil || s != strings.Repeat("é", 10) {
		t.Fatalf("generate = %q, %v", s, err)
	}
}

func TestBcryptHash(t *testing.T) {
	for _, pw := range []string{"short", strings.Repeat("x", 100)} {
		h, err := bcryptHash(pw)
		if err != nil {
			t.Fatal(err)
		}
		b := []byte(pw)
		if len(b) > 72 {
			b = b[:72]
		}
		if err := bcrypt.CompareHashAndPassword([]byte(h), b); err != nil {
			t.Fatalf("hash of %d-byte password does not verify: %v", len(pw), err)
		}
	}
}

func props(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := marshal(resource.NewPropertyMapFromMap(m))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func check(t *testing.T, news *structpb.Struct) (resource.PropertyMap, []*pulumirpc.CheckFailure) {
	t.Helper()
	resp, err := (&provider{}).Check(context.Background(), &pulumirpc.CheckRequest{
		Urn: urn, Type: passwordToken, News: news,
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := unmarshal(resp.GetInputs())
	if err != nil {
		t.Fatal(err)
	}
	return m, resp.GetFailures()
}

func TestCheckFillsDefaults(t *testing.T) {
	m, failures := check(t, props(t, map[string]any{"length": 32, "special": false}))
	if len(failures) != 0 {
		t.Fatalf("failures: %v", failures)
	}
	want := resource.NewPropertyMapFromMap(map[string]any{
		"length": 32, "special": false, "lower": true, "upper": true, "numeric": true, "number": true,
		"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
	})
	if !m.DeepEquals(want) {
		t.Fatalf("checked inputs = %v, want %v", m, want)
	}
	// The deprecated number fills in numeric.
	m, failures = check(t, props(t, map[string]any{"length": 8, "number": false}))
	if len(failures) != 0 || m["numeric"].BoolValue() {
		t.Fatalf("number=false: inputs %v, failures %v", m, failures)
	}
}

func TestCheckFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		news     map[string]any
		property string
		reason   string
	}{
		{"missing length", map[string]any{"special": false}, "length", "Missing required property 'length'"},
		{"zero length", map[string]any{"length": 0}, "length", "at least 1"},
		{"negative length", map[string]any{"length": -3}, "length", "at least 1"},
		{"fractional length", map[string]any{"length": 2.5}, "length", "whole number"},
		{"string length", map[string]any{"length": "32"}, "length", "must be a number"},
		{"length below minimums", map[string]any{"length": 5, "minUpper": 3, "minSpecial": 3}, "length",
			"at least minUpper + minLower + minNumeric + minSpecial (6)"},
		{"negative minimum", map[string]any{"length": 5, "minLower": -1}, "minLower", "at least 0"},
		{"bad boolean", map[string]any{"length": 5, "special": "no"}, "special", "must be a boolean"},
		{"number and numeric disagree", map[string]any{"length": 5, "number": true, "numeric": false}, "numeric",
			"different values"},
		{"no classes", map[string]any{"length": 5, "lower": false, "upper": false, "numeric": false, "special": false},
			"length", "all false"},
		{"bad overrideSpecial", map[string]any{"length": 5, "overrideSpecial": 7}, "overrideSpecial", "must be a string"},
		{"bad keepers", map[string]any{"length": 5, "keepers": "x"}, "keepers", "map of strings"},
		{"bad keeper value", map[string]any{"length": 5, "keepers": map[string]any{"a": 1}}, "keepers.a", "map of strings"},
		{"unknown property", map[string]any{"length": 5, "size": 3}, "size", "unknown property"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, failures := check(t, props(t, tc.news))
			for _, f := range failures {
				if f.GetProperty() == tc.property && strings.Contains(f.GetReason(), tc.reason) {
					return
				}
			}
			t.Fatalf("want a failure on %s containing %q, got %v", tc.property, tc.reason, failures)
		})
	}
}

func TestCheckAcceptsValidAndUnknownInputs(t *testing.T) {
	for _, news := range []resource.PropertyMap{
		resource.NewPropertyMapFromMap(map[string]any{"length": 4, "minUpper": 1, "minLower": 1, "minNumeric": 1,
			"minSpecial": 1, "overrideSpecial": "!", "keepers": map[string]any{"a": "b"}}),
		// All classes off is fine when the minimums fill the password.
		resource.NewPropertyMapFromMap(map[string]any{"length": 2, "lower": false, "upper": false, "numeric": false,
			"special": false, "minNumeric": 2}),
		// Unknowns (preview) and secrets pass.
		{"length": resource.MakeComputed(resource.NewStringProperty("")),
			"keepers": resource.NewObjectProperty(resource.PropertyMap{"a": resource.MakeComputed(resource.NewStringProperty(""))})},
		{"length": resource.MakeSecret(resource.NewNumberProperty(10))},
	} {
		s, err := marshal(news)
		if err != nil {
			t.Fatal(err)
		}
		if _, failures := check(t, s); len(failures) != 0 {
			t.Errorf("%v: unexpected failures %v", news, failures)
		}
	}
}

func TestOtherTypesAreRefused(t *testing.T) {
	p := &provider{}
	ctx := context.Background()
	other := "urn:pulumi:dev::observability-stack::random:index/randomString:RandomString::s"
	want := "random-test-double: only random:index/randomPassword:RandomPassword is implemented; " +
		"install the real pulumi-resource-random plugin for random:index/randomString:RandomString"
	_, err1 := p.Check(ctx, &pulumirpc.CheckRequest{Urn: other})
	_, err2 := p.Diff(ctx, &pulumirpc.DiffRequest{Urn: other})
	_, err3 := p.Create(ctx, &pulumirpc.CreateRequest{Urn: other})
	_, err4 := p.Read(ctx, &pulumirpc.ReadRequest{Urn: other})
	_, err5 := p.Update(ctx, &pulumirpc.UpdateRequest{Urn: other})
	_, err6 := p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: other})
	for i, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("call %d: error %v, want %q", i+1, err, want)
		}
	}
	if _, err := p.Invoke(ctx, &pulumirpc.InvokeRequest{Tok: "random:index/x:x"}); err == nil ||
		!strings.Contains(err.Error(), "random-test-double") {
		t.Errorf("invoke: %v", err)
	}
}

func checked(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	in, failures := checkPassword(resource.NewPropertyMapFromMap(m))
	if len(failures) > 0 {
		t.Fatal(failures)
	}
	s, err := marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDiff(t *testing.T) {
	p := &provider{}
	base := map[string]any{"length": 32, "special": false}
	diff := func(olds, news *structpb.Struct) *pulumirpc.DiffResponse {
		resp, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{
			Urn: urn, Id: "none", Olds: olds, OldInputs: olds, News: news,
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := diff(checked(t, base), checked(t, base)); r.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("same inputs: %v", r)
	}
	// Empty overrideSpecial/keepers equal none.
	if r := diff(checked(t, base), checked(t, map[string]any{"length": 32, "special": false,
		"overrideSpecial": "", "keepers": map[string]any{}})); r.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("empty overrideSpecial/keepers: %v", r)
	}
	for _, tc := range []struct {
		news map[string]any
		key  string
		kind pulumirpc.PropertyDiff_Kind
	}{
		{map[string]any{"length": 33, "special": false}, "length", pulumirpc.PropertyDiff_UPDATE_REPLACE},
		{map[string]any{"length": 32}, "special", pulumirpc.PropertyDiff_UPDATE_REPLACE},
		{map[string]any{"length": 32, "special": false, "minUpper": 2}, "minUpper", pulumirpc.PropertyDiff_UPDATE_REPLACE},
		{map[string]any{"length": 32, "special": false, "overrideSpecial": "-"}, "overrideSpecial", pulumirpc.PropertyDiff_ADD_REPLACE},
		{map[string]any{"length": 32, "special": false, "keepers": map[string]any{"v": "1"}}, "keepers", pulumirpc.PropertyDiff_ADD_REPLACE},
	} {
		r := diff(checked(t, base), checked(t, tc.news))
		if r.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || len(r.GetReplaces()) != 1 || r.GetReplaces()[0] != tc.key ||
			r.GetDetailedDiff()[tc.key].GetKind() != tc.kind {
			t.Errorf("%v: got %v, want a replace of %s (%v)", tc.news, r, tc.key, tc.kind)
		}
	}
	// A keeper change replaces, and an unknown new value does too.
	withKeeper := func(v resource.PropertyValue) *structpb.Struct {
		in, _ := checkPassword(resource.PropertyMap{"length": resource.NewNumberProperty(8),
			"keepers": resource.NewObjectProperty(resource.PropertyMap{"v": v})})
		s, err := marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one := withKeeper(resource.NewStringProperty("1"))
	if r := diff(one, withKeeper(resource.NewStringProperty("2"))); len(r.GetReplaces()) != 1 {
		t.Errorf("keeper change: %v", r)
	}
	if r := diff(one, withKeeper(resource.MakeComputed(resource.NewStringProperty("")))); len(r.GetReplaces()) != 1 {
		t.Errorf("unknown keeper: %v", r)
	}
	if r := diff(one, withKeeper(resource.MakeSecret(resource.NewStringProperty("1")))); r.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("keeper made secret, same value: %v", r)
	}
}

func TestCreateReadDelete(t *testing.T) {
	p := &provider{}
	ctx := context.Background()
	in := checked(t, map[string]any{"length": 24, "special": false, "minNumeric": 2})

	prev, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Type: passwordToken, Properties: in, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	pm, err := unmarshal(prev.GetProperties())
	if err != nil {
		t.Fatal(err)
	}
	if !pm["result"].IsComputed() || !pm["bcryptHash"].IsComputed() || pm["length"].NumberValue() != 24 {
		t.Fatalf("preview outputs: %v", pm)
	}

	resp, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Type: passwordToken, Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetId() != "none" {
		t.Fatalf("id %q", resp.GetId())
	}
	// The result and hash travel as secrets on the wire.
	for _, k := range []string{"result", "bcryptHash"} {
		f := resp.GetProperties().GetFields()[k].GetStructValue().GetFields()
		if f["4dabf18193072939515e22adb298388d"].GetStringValue() != "1b47061264138c4ac30d75fd1eb44270" {
			t.Fatalf("%s is not marked secret: %v", k, resp.GetProperties().GetFields()[k])
		}
	}
	out, err := unmarshal(resp.GetProperties())
	if err != nil {
		t.Fatal(err)
	}
	pw := out["result"].SecretValue().Element.StringValue()
	if len(pw) != 24 || count(pw, upperChars+lowerChars+numericChars) != 24 || count(pw, numericChars) < 2 {
		t.Fatalf("result %q", pw)
	}
	if bcrypt.CompareHashAndPassword([]byte(out["bcryptHash"].SecretValue().Element.StringValue()), []byte(pw)) != nil {
		t.Fatal("bcryptHash does not match result")
	}
	if out["length"].NumberValue() != 24 || out["special"].BoolValue() {
		t.Fatalf("inputs missing from outputs: %v", out)
	}

	read, err := p.Read(ctx, &pulumirpc.ReadRequest{Urn: urn, Id: "none", Properties: resp.GetProperties(), Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	back, _ := unmarshal(read.GetProperties())
	if read.GetId() != "none" || !back.DeepEquals(out) {
		t.Fatalf("read changed the state: %v", read)
	}
	if _, err := p.Read(ctx, &pulumirpc.ReadRequest{Urn: urn, Id: "abc"}); err == nil {
		t.Fatal("import by id should be refused")
	}
	if _, err := p.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn}); err == nil {
		t.Fatal("update should fail")
	}
	if _, err := p.Delete(ctx, &pulumirpc.DeleteRequest{Urn: urn, Id: "none", Properties: resp.GetProperties()}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: props(t, map[string]any{"length": 0})}); err == nil {
		t.Fatal("create with invalid inputs should fail")
	}
}

func TestPluginInfo(t *testing.T) {
	info, err := (&provider{}).GetPluginInfo(context.Background(), nil)
	if err != nil || info.GetVersion() != "4.21.2" {
		t.Fatalf("GetPluginInfo = %v, %v", info, err)
	}
}
