// Command random-test-double is a TEST DOUBLE for the pulumi-resource-random provider plugin.
// It is NOT the real provider.
//
// The real plugin (pulumi/pulumi-random, a bridged Terraform provider) cannot be built here: its Go
// module is refused by the module proxy. Deploy tests still need a working `random` provider,
// because the program creates one resource of that package. This binary is installed as
// pulumi-resource-random, reports version 4.21.2 (the @pulumi/random npm SDK pinned in
// package.json) and implements exactly one resource type:
//
//	random:index/randomPassword:RandomPassword
//
// faithfully enough for a real `pulumi up` / `preview` / `refresh` / `destroy` cycle, following the
// behaviour of terraform-provider-random's random_password (which pulumi-random wraps):
//
//   - Check validates the inputs (length required, an integer >= 1 and >= minUpper + minLower +
//     minNumeric + minSpecial; min* integers >= 0; booleans; keepers a map of strings; number and
//     numeric may not disagree; at least one character class when characters beyond the minimums
//     are needed) and fills the defaults (lower/upper/numeric/number/special true, min* 0).
//   - Diff: every input forces replacement, as in the real provider. overrideSpecial "" and unset
//     are the same, and so are keepers {} and unset.
//   - Create draws the password from crypto/rand: min* characters from each class (the minimums
//     apply even when the class's boolean is false, as in the real provider), the rest from the
//     enabled classes, then shuffles. It returns id "none", the inputs, `result` and `bcryptHash`
//     (bcrypt, cost 10, of the first 72 bytes), both marked secret. In a preview they are unknown.
//   - Read returns the state unchanged (a refresh is a no-op); Delete does nothing; Update is never
//     needed (every change replaces) and fails if called.
//
// Every other resource type, every function (invoke) and importing by id are refused with an error
// that names this test double. Differences from the real provider: no `__defaults`/`__meta`
// bookkeeping in the state, no import, the password is built from characters (runes) rather than
// bytes when overrideSpecial holds non-ASCII characters, and the shuffle is a uniform Fisher-Yates
// shuffle.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is the version this binary reports for the random package; build.sh may override it.
var version = "4.21.2"

const (
	name          = "random-test-double"
	pkg           = "random"
	passwordToken = "random:index/randomPassword:RandomPassword"
	// The real provider's id for every RandomPassword.
	passwordID = "none"

	defaultSpecial = "!@#$%&*()-_=+[]{}<>:?"
	upperChars     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars     = "abcdefghijklmnopqrstuvwxyz"
	numericChars   = "0123456789"
)

// The inputs of RandomPassword, and the outputs the provider computes.
var (
	boolInputs   = []string{"lower", "upper", "numeric", "number", "special"}
	minInputs    = []string{"minLower", "minUpper", "minNumeric", "minSpecial"}
	inputKeys    = append(append([]string{"length", "overrideSpecial", "keepers"}, boolInputs...), minInputs...)
	computedKeys = []string{"result", "bcryptHash"}
)

func refuseType(typ string) error {
	return status.Errorf(codes.Unimplemented,
		"%s: only %s is implemented; install the real pulumi-resource-random plugin for %s",
		name, passwordToken, typ)
}

// typeOf returns the resource type of a request: its type field, or else the type in its URN.
func typeOf(typ, urn string) string {
	if typ != "" {
		return typ
	}
	if resource.URN(urn).IsValid() {
		return string(resource.URN(urn).Type())
	}
	return urn
}

// Secrets and unknowns are kept in both directions, so a secret input stays secret in the outputs.
var (
	unmarshalOpts = plugin.MarshalOptions{Label: name, KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}
	marshalOpts   = plugin.MarshalOptions{Label: name, KeepUnknowns: true, KeepSecrets: true}
)

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, unmarshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

// plain returns v without secret wrappers, at any depth (for validation and comparison).
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			m[k] = plain(e)
		}
		return resource.NewObjectProperty(m)
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = plain(e)
		}
		return resource.NewArrayProperty(a)
	}
	return v
}

// passwordParams are the inputs that shape the generated password.
type passwordParams struct {
	Length                                     int64
	Upper, Lower, Numeric, Special             bool
	MinUpper, MinLower, MinNumeric, MinSpecial int64
	OverrideSpecial                            string
}

// randomRunes draws n characters uniformly from set with crypto/rand.
func randomRunes(set []rune, n int64) ([]rune, error) {
	if n <= 0 {
		return nil, nil
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("%s: no characters to draw %d from", name, n)
	}
	out := make([]rune, n)
	max := big.NewInt(int64(len(set)))
	for i := range out {
		idx, err := rand.Int(rand.Reader, max)
		if err != nil {
			return nil, err
		}
		out[i] = set[idx.Int64()]
	}
	return out, nil
}

// generate builds a password the way terraform-provider-random's CreateString does: the minimum
// number of characters of each class first (regardless of that class's boolean), the rest from the
// enabled classes, then a shuffle. overrideSpecial, when not empty, replaces the special characters.
func generate(p passwordParams) (string, error) {
	special := defaultSpecial
	if p.OverrideSpecial != "" {
		special = p.OverrideSpecial
	}
	var all []rune
	if p.Upper {
		all = append(all, []rune(upperChars)...)
	}
	if p.Lower {
		all = append(all, []rune(lowerChars)...)
	}
	if p.Numeric {
		all = append(all, []rune(numericChars)...)
	}
	if p.Special {
		all = append(all, []rune(special)...)
	}
	result := make([]rune, 0, p.Length)
	for _, m := range []struct {
		set string
		n   int64
	}{{numericChars, p.MinNumeric}, {lowerChars, p.MinLower}, {upperChars, p.MinUpper}, {special, p.MinSpecial}} {
		s, err := randomRunes([]rune(m.set), m.n)
		if err != nil {
			return "", err
		}
		result = append(result, s...)
	}
	rest, err := randomRunes(all, p.Length-int64(len(result)))
	if err != nil {
		return "", err
	}
	result = append(result, rest...)
	for i := len(result) - 1; i > 0; i-- { // Fisher-Yates with crypto/rand
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		result[i], result[j.Int64()] = result[j.Int64()], result[i]
	}
	return string(result), nil
}

// bcryptHash hashes the password like the real provider (bcrypt.DefaultCost). bcrypt only reads
// 72 bytes (and x/crypto rejects longer input), so longer passwords are hashed by their first 72
// bytes, as the provider documents.
func bcryptHash(password string) (string, error) {
	b := []byte(password)
	if len(b) > 72 {
		b = b[:72]
	}
	h, err := bcrypt.GenerateFromPassword(b, bcrypt.DefaultCost)
	return string(h), err
}

// checkPassword validates RandomPassword inputs and fills in the defaults. Unknown values (in a
// preview) pass; they are checked again once known.
func checkPassword(news resource.PropertyMap) (resource.PropertyMap, []*pulumirpc.CheckFailure) {
	out := news.Copy()
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, format string, args ...any) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: fmt.Sprintf(format, args...)})
	}
	for _, k := range news.StableKeys() {
		if !slices.Contains(inputKeys, string(k)) && !strings.HasPrefix(string(k), "__") {
			fail(string(k), "unknown property %q: %s's inputs are %s", k, passwordToken, strings.Join(inputKeys, ", "))
		}
	}

	// integer returns a known integer input; ok is false if it is missing, unknown or invalid.
	integer := func(key string, min int64) (n int64, known bool) {
		v, has := news[resource.PropertyKey(key)]
		if !has {
			return 0, false
		}
		v = plain(v)
		switch {
		case v.ContainsUnknowns():
			return 0, false
		case !v.IsNumber():
			fail(key, "%s must be a number, not %s", key, v.TypeString())
		case v.NumberValue() != math.Trunc(v.NumberValue()) || math.Abs(v.NumberValue()) > 1<<53:
			fail(key, "%s must be a whole number, not %v", key, v.NumberValue())
		case int64(v.NumberValue()) < min:
			fail(key, "%s must be at least %d, got %d", key, min, int64(v.NumberValue()))
		default:
			return int64(v.NumberValue()), true
		}
		return 0, false
	}
	// boolean returns a boolean input of m, or def when it is missing; known is false when it is
	// unknown or (reported when report is set) not a boolean.
	boolean := func(m resource.PropertyMap, key string, def, report bool) (b bool, known bool) {
		v, has := m[resource.PropertyKey(key)]
		if !has {
			return def, true
		}
		v = plain(v)
		switch {
		case v.ContainsUnknowns():
			return false, false
		case !v.IsBool():
			if report {
				fail(key, "%s must be a boolean, not %s", key, v.TypeString())
			}
			return false, false
		}
		return v.BoolValue(), true
	}

	// length: required, >= 1.
	length, lengthKnown := int64(0), false
	if _, has := news["length"]; !has {
		fail("length", "Missing required property 'length'")
	} else {
		length, lengthKnown = integer("length", 1)
	}

	// min*: default 0, >= 0.
	allMinsKnown, sum := true, int64(0)
	for _, k := range minInputs {
		if _, has := news[resource.PropertyKey(k)]; !has {
			out[resource.PropertyKey(k)] = resource.NewNumberProperty(0)
			continue
		}
		n, known := integer(k, 0)
		allMinsKnown = allMinsKnown && known
		sum += n
	}
	if lengthKnown && allMinsKnown && length < sum {
		fail("length", "length (%d) must be at least minUpper + minLower + minNumeric + minSpecial (%d)", length, sum)
	}

	// Booleans: default true. number is the deprecated spelling of numeric: either one fills in
	// the other, and they may not disagree.
	for _, k := range boolInputs {
		boolean(news, k, true, true)
	}
	_, hasNumber := news["number"]
	_, hasNumeric := news["numeric"]
	switch {
	case hasNumber && !hasNumeric:
		out["numeric"] = news["number"]
	case hasNumeric && !hasNumber:
		out["number"] = news["numeric"]
	case hasNumber && hasNumeric:
		a, aKnown := boolean(news, "number", true, false)
		b, bKnown := boolean(news, "numeric", true, false)
		if aKnown && bKnown && a != b {
			fail("numeric", "number and numeric are both set, to different values (%v and %v); set only numeric", a, b)
		}
	}
	for _, k := range boolInputs {
		if !hasKey(out, k) {
			out[resource.PropertyKey(k)] = resource.NewBoolProperty(true)
		}
	}
	// At least one class must be enabled when characters beyond the minimums are needed.
	classes, allClassesKnown := false, true
	for _, k := range boolInputs {
		b, known := boolean(out, k, true, false)
		allClassesKnown = allClassesKnown && known
		classes = classes || (known && b)
	}
	if lengthKnown && allMinsKnown && allClassesKnown && !classes && length > sum {
		fail("length", "lower, upper, numeric and special are all false, so there are no characters "+
			"for the %d characters beyond the minimums; enable at least one", length-sum)
	}

	if v, has := news["overrideSpecial"]; has {
		if v = plain(v); !v.ContainsUnknowns() && !v.IsString() {
			fail("overrideSpecial", "overrideSpecial must be a string, not %s", v.TypeString())
		}
	}
	if v, has := news["keepers"]; has {
		if v = plain(v); !v.IsComputed() {
			if !v.IsObject() {
				fail("keepers", "keepers must be a map of strings, not %s", v.TypeString())
			} else {
				for _, k := range v.ObjectValue().StableKeys() {
					e := v.ObjectValue()[k]
					if !e.ContainsUnknowns() && !e.IsString() && !e.IsNull() {
						fail("keepers."+string(k), "keepers must be a map of strings; keepers.%s is %s", k, e.TypeString())
					}
				}
			}
		}
	}
	return out, failures
}

// paramsOf reads the (checked, known) inputs of a RandomPassword.
func paramsOf(props resource.PropertyMap) (passwordParams, error) {
	num := func(k string) int64 {
		if v := plain(props[resource.PropertyKey(k)]); v.IsNumber() {
			return int64(v.NumberValue())
		}
		return 0
	}
	boolean := func(k string) bool {
		if v := plain(props[resource.PropertyKey(k)]); v.IsBool() {
			return v.BoolValue()
		}
		return true
	}
	p := passwordParams{
		Length: num("length"), Upper: boolean("upper"), Lower: boolean("lower"),
		Numeric: boolean("numeric") && boolean("number"), Special: boolean("special"),
		MinUpper: num("minUpper"), MinLower: num("minLower"), MinNumeric: num("minNumeric"), MinSpecial: num("minSpecial"),
	}
	if v := plain(props["overrideSpecial"]); v.IsString() {
		p.OverrideSpecial = v.StringValue()
	}
	if _, failures := checkPassword(inputsOf(props)); len(failures) > 0 {
		return p, fmt.Errorf("%s: invalid inputs: %s: %s", name, failures[0].Property, failures[0].Reason)
	}
	return p, nil
}

// inputsOf returns the input properties of a RandomPassword state.
func inputsOf(props resource.PropertyMap) resource.PropertyMap {
	in := resource.PropertyMap{}
	for _, k := range inputKeys {
		if v, ok := props[resource.PropertyKey(k)]; ok {
			in[resource.PropertyKey(k)] = v
		}
	}
	return in
}

// normalize maps the values the real provider treats as "no change" onto one another: an empty
// overrideSpecial or keepers map is the same as none.
func normalize(key string, v resource.PropertyValue, has bool) (resource.PropertyValue, bool) {
	if !has {
		return v, false
	}
	v = plain(v)
	switch {
	case v.IsNull():
		return v, false
	case key == "overrideSpecial" && v.IsString() && v.StringValue() == "":
		return v, false
	case key == "keepers" && v.IsObject() && len(v.ObjectValue()) == 0:
		return v, false
	}
	return v, true
}

// diffPassword compares old and new inputs: any change replaces the password.
func diffPassword(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse {
	var changed []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for _, k := range inputKeys {
		if slices.Contains(ignore, k) {
			continue
		}
		o, hasOld := normalize(k, olds[resource.PropertyKey(k)], hasKey(olds, k))
		n, hasNew := normalize(k, news[resource.PropertyKey(k)], hasKey(news, k))
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case !hasOld && !hasNew:
			continue
		case !hasOld:
			kind = pulumirpc.PropertyDiff_ADD_REPLACE
		case !hasNew:
			kind = pulumirpc.PropertyDiff_DELETE_REPLACE
		case n.ContainsUnknowns() || !o.DeepEquals(n):
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		default:
			continue
		}
		changed = append(changed, k)
		detailed[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}
	}
	sort.Strings(changed)
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:           changed,
		Replaces:        changed,
		DetailedDiff:    detailed,
		HasDetailedDiff: true,
	}
}

func hasKey(m resource.PropertyMap, k string) bool {
	_, ok := m[resource.PropertyKey(k)]
	return ok
}

type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func (*provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (*provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	b, _ := json.Marshal(map[string]string{
		"name":        pkg,
		"version":     version,
		"description": "TEST DOUBLE (" + name + "): implements only " + passwordToken,
	})
	return &pulumirpc.GetSchemaResponse{Schema: string(b)}, nil
}

func (*provider) Handshake(
	context.Context, *pulumirpc.ProviderHandshakeRequest,
) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// The random provider has no configuration: config passes through.
func (*provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (*provider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (*provider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (*provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	checked, failures := checkPassword(news)
	inputs, err := marshal(checked)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

func (*provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	oldStruct := req.GetOldInputs()
	if len(oldStruct.GetFields()) == 0 {
		oldStruct = req.GetOlds()
	}
	olds, err := unmarshal(oldStruct)
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	return diffPassword(inputsOf(olds), news, req.GetIgnoreChanges()), nil
}

func (*provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	props, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	outs := inputsOf(props)
	if req.GetPreview() {
		for _, k := range computedKeys {
			outs[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		s, err := marshal(outs)
		return &pulumirpc.CreateResponse{Properties: s}, err
	}
	if props.ContainsUnknowns() {
		return nil, fmt.Errorf("%s: cannot create %s: its inputs contain unknown values", name, req.GetUrn())
	}
	p, err := paramsOf(props)
	if err != nil {
		return nil, err
	}
	result, err := generate(p)
	if err != nil {
		return nil, fmt.Errorf("%s: generating the password: %w", name, err)
	}
	hash, err := bcryptHash(result)
	if err != nil {
		return nil, fmt.Errorf("%s: hashing the password: %w", name, err)
	}
	outs["result"] = resource.MakeSecret(resource.NewStringProperty(result))
	outs["bcryptHash"] = resource.MakeSecret(resource.NewStringProperty(hash))
	s, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: passwordID, Properties: s}, nil
}

// Read returns the state unchanged: a password only exists in the state, so a refresh finds no
// drift (the real provider's Read does nothing either).
func (*provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	if len(req.GetProperties().GetFields()) == 0 {
		return nil, status.Errorf(codes.Unimplemented,
			"%s: importing or reading %s by id is not implemented; install the real pulumi-resource-random plugin",
			name, req.GetUrn())
	}
	inputs := req.GetInputs()
	if inputs == nil {
		props, err := unmarshal(req.GetProperties())
		if err != nil {
			return nil, err
		}
		if inputs, err = marshal(inputsOf(props)); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: inputs}, nil
}

func (*provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	return nil, status.Errorf(codes.Internal,
		"%s: unexpected update of %s: every input of %s forces a replacement, so Diff never asks for an update",
		name, req.GetUrn(), passwordToken)
}

// Delete has nothing to remove: the password only exists in the state.
func (*provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if t := typeOf(req.GetType(), req.GetUrn()); t != passwordToken {
		return nil, refuseType(t)
	}
	return &emptypb.Empty{}, nil
}

func (*provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	return nil, status.Errorf(codes.Unimplemented,
		"%s: only %s is implemented; install the real pulumi-resource-random plugin for function %s",
		name, passwordToken, req.GetTok())
}

func (*provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (*provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (*provider) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (*provider) GetMappings(
	context.Context, *pulumirpc.GetMappingsRequest,
) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "version") {
		fmt.Printf("%s %s (TEST DOUBLE of pulumi-resource-random: only %s)\n", name, version, passwordToken)
		return
	}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &provider{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
