// Command preview-stub-provider is a stand-in for the kubernetes, random, grafana and aws resource
// provider plugins, for `pulumi preview` only, on machines where the real plugins cannot be
// built or downloaded.
//
// It is installed under the real plugins' names (pulumi-resource-kubernetes, ...) and reports
// the versions the npm SDKs ask for, so the engine loads it. It passes every resource's inputs
// through unchanged: the program runs, the engine computes the plan, and the policy pack sees
// exactly the inputs the program registered. It does none of a real provider's own work
// (no schema validation, no server-side dry run, no computed outputs: those show as unknown),
// and it refuses to create, update, delete or read anything, so it cannot change real
// infrastructure even if it is run by mistake outside a preview.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// versions maps a package name to the version this binary reports for it; set by build.sh.
var versions = ""

type stub struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg     string
	version string
}

func refuse(what string, urn string) error {
	return status.Errorf(codes.FailedPrecondition,
		"preview-stub-provider: refusing to %s %s: this stand-in only supports `pulumi preview`; "+
			"install the real provider plugin to deploy", what, urn)
}

func (s *stub) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

func (s *stub) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	b, _ := json.Marshal(map[string]string{"name": s.pkg, "version": s.version})
	return &pulumirpc.GetSchemaResponse{Schema: string(b)}, nil
}

func (s *stub) Handshake(
	context.Context, *pulumirpc.ProviderHandshakeRequest,
) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (s *stub) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *stub) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req.GetOldInputs(), req.GetNews()), nil
}

func (s *stub) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Check passes the inputs through. For Kubernetes objects without metadata.name it fills in an
// auto-name the way the real provider does (<resource name>-<8 hex characters>), derived from the
// engine's random seed so it is stable across previews.
func (s *stub) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news := req.GetNews()
	if s.pkg == "kubernetes" && news != nil && !strings.HasPrefix(req.GetType(), "kubernetes:helm") &&
		!strings.HasPrefix(req.GetType(), "kubernetes:yaml") && req.GetType() != "pulumi:providers:kubernetes" {
		news = proto.Clone(news).(*structpb.Struct)
		md := news.Fields["metadata"].GetStructValue()
		if md == nil {
			md = &structpb.Struct{Fields: map[string]*structpb.Value{}}
			news.Fields["metadata"] = structpb.NewStructValue(md)
		}
		if _, ok := md.Fields["name"]; !ok {
			old := req.GetOlds().GetFields()["metadata"].GetStructValue().GetFields()["name"]
			if old != nil {
				md.Fields["name"] = old
			} else {
				sum := sha256.Sum256(append([]byte(req.GetUrn()), req.GetRandomSeed()...))
				md.Fields["name"] = structpb.NewStringValue(req.GetName() + "-" + hex.EncodeToString(sum[:])[:8])
			}
		}
	}
	return &pulumirpc.CheckResponse{Inputs: news}, nil
}

func diff(olds, news *structpb.Struct) *pulumirpc.DiffResponse {
	if proto.Equal(olds, news) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	}
	var keys []string
	for k, v := range news.GetFields() {
		if !proto.Equal(v, olds.GetFields()[k]) {
			keys = append(keys, k)
		}
	}
	for k := range olds.GetFields() {
		if _, ok := news.GetFields()[k]; !ok {
			keys = append(keys, k)
		}
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: keys}
}

func (s *stub) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	return diff(olds, req.GetNews()), nil
}

func (s *stub) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if !req.GetPreview() {
		return nil, refuse("create", req.GetUrn())
	}
	return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
}

func (s *stub) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if !req.GetPreview() {
		return nil, refuse("update", req.GetUrn())
	}
	return &pulumirpc.UpdateResponse{Properties: req.GetNews()}, nil
}

func (s *stub) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return nil, refuse("delete", req.GetUrn())
}

func (s *stub) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return nil, refuse("read", req.GetUrn())
}

func (s *stub) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	return nil, status.Errorf(codes.Unimplemented,
		"preview-stub-provider: cannot answer invoke %s without the real provider", req.GetTok())
}

func (s *stub) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *stub) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (s *stub) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (s *stub) GetMappings(
	context.Context, *pulumirpc.GetMappingsRequest,
) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

func main() {
	if filepath.Base(os.Args[0]) == "preview-stub-provider" {
		// Run under its own name: list the plugins and versions it stands in for.
		fmt.Println(strings.ReplaceAll(versions, ",", "\n"))
		return
	}
	pkg := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	version := ""
	for _, kv := range strings.Split(versions, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == pkg {
			version = v
		}
	}
	if version == "" {
		fmt.Fprintf(os.Stderr, "preview-stub-provider: no version built in for package %q (known: %s)\n", pkg, versions)
		os.Exit(1)
	}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &stub{pkg: pkg, version: version})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "preview-stub-provider: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "preview-stub-provider: %v\n", err)
		os.Exit(1)
	}
}
