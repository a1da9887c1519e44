/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	clustercontroller "kurator.dev/kurator/internal/controller/cluster"
	"kurator.dev/kurator/internal/controller/execution"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/customization"
	"kurator.dev/kurator/internal/interpreter/luavm"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/scheme"
)

// Run connects to the control plane, obtains the agent's certificate if it
// has none, and serves its cluster until ctx ends. Settings that can never
// work (a garbage address, a rejected bootstrap token) end it with an error
// saying what to do; a control plane that cannot be reached yet is retried.
func Run(ctx context.Context, o Options, log logr.Logger) error {
	if err := o.Validate(); err != nil {
		return err
	}
	u, _ := ControlPlaneURL(o.ControlPlane)
	ca, err := os.ReadFile(o.ControlPlaneCAFile)
	if err != nil {
		return fmt.Errorf("--control-plane-ca-file: %w", err)
	}
	token, err := bootstrapToken(o)
	if err != nil {
		return err
	}
	memberCfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return fmt.Errorf("member cluster config: %w", err)
	}
	memberCfg.QPS, memberCfg.Burst = 100, 200
	member, err := membercluster.NewMember(o.ClusterName, memberCfg)
	if err != nil {
		return err
	}
	server := &rest.Config{Host: u.String(), TLSClientConfig: rest.TLSClientConfig{CAData: ca}, QPS: 100, Burst: 200, Timeout: 30 * time.Second}
	clk := clock.RealClock{}
	creds := &credentials{cluster: o.ClusterName, dir: o.CertDir, server: server, token: token,
		duration: o.CertificateDuration, renewBefore: o.RenewBefore, clock: clk}
	if o.CredentialsSecret != "" {
		ns, name, _ := strings.Cut(o.CredentialsSecret, "/")
		creds.backup = &secretBackup{client: member.Client, namespace: ns, name: name}
	}
	if err := connect(ctx, server, creds, log); err != nil {
		return err
	}
	return serve(ctx, o, creds, member, clk, log)
}

// connect waits until the control plane answers, then makes sure the agent
// holds a valid certificate. Only an unreachable control plane is retried.
func connect(ctx context.Context, server *rest.Config, creds *credentials, log logr.Logger) error {
	err := wait.PollUntilContextCancel(ctx, 5*time.Second, true, func(ctx context.Context) (bool, error) {
		err := reachable(ctx, server)
		if err == nil {
			return true, nil
		}
		var untrusted x509.UnknownAuthorityError
		if errors.As(err, &untrusted) {
			return false, fmt.Errorf("control plane %s: its serving certificate is not signed by --control-plane-ca-file: %w", server.Host, err)
		}
		log.Error(err, "Control plane not reachable, retrying", "controlPlane", server.Host)
		return false, nil
	})
	if err != nil {
		return err
	}
	return creds.ensure(ctx)
}

// reachable makes one request to the control plane: any HTTP answer, even
// a refusal, proves the address and the CA right.
func reachable(ctx context.Context, server *rest.Config) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(server.CAData) {
		return errors.New("--control-plane-ca-file holds no PEM certificate")
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.Host+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("control plane %s is not reachable: %w", server.Host, err)
	}
	return res.Body.Close()
}

// serve runs the executor, the heartbeat, the status and pod metrics
// reporters and the certificate renewal against the control plane.
func serve(ctx context.Context, o Options, creds *credentials, member *membercluster.Member, clk clock.Clock, log logr.Logger) error {
	cfg := creds.clientConfig()
	execNS := workv1alpha1.ExecutionNamespace(o.ClusterName)
	// The agent may read only its own Cluster and execution namespace: the
	// caches must not ask for more.
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme.Scheme,
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&workv1alpha1.Work{}:              {Namespaces: map[string]cache.Config{execNS: {}}},
			&karmadaclusterv1alpha1.Cluster{}: {Field: fields.OneTermEqualSelector("metadata.name", o.ClusterName)},
		}},
		Metrics:                metricsserver.Options{BindAddress: o.MetricsAddr},
		HealthProbeBindAddress: o.HealthProbeAddr,
		Logger:                 log,
	})
	if err != nil {
		return err
	}
	// The copies here are judged and reported by the fleet's
	// customisations, loaded before the executor runs.
	loader := &interpretercustomization.Loader{Registry: interpreter.Default, Scripts: customization.NewLuaScripts(luavm.Limits{})}
	if err := loader.Load(ctx, mgr.GetAPIReader()); err != nil {
		log.Info("ResourceInterpreterCustomizations not loaded before start", "error", err.Error())
	}
	if err := interpretercustomization.SetupLoader(mgr, loader); err != nil {
		return err
	}
	exec := &execution.Reconciler{Client: mgr.GetClient(), Members: localMember{member: member}, Agent: o.ClusterName,
		Recorder: mgr.GetEventRecorder("kurator-agent"), Clock: clk}
	if err := exec.SetupWithManager(mgr); err != nil {
		return err
	}
	heartbeatCfg := creds.clientConfig()
	heartbeatCfg.QPS, heartbeatCfg.Burst = 5, 10
	plane, err := kubernetes.NewForConfig(heartbeatCfg)
	if err != nil {
		return err
	}
	identity, _ := os.Hostname()
	runnables := []manager.Runnable{
		&heartbeat{cluster: o.ClusterName, identity: identity, plane: plane, member: member.Client,
			duration: o.LeaseDuration, interval: o.LeaseRenewInterval, clock: clk, log: log.WithName("heartbeat")},
		&statusReporter{cluster: o.ClusterName, plane: mgr.GetClient(), member: member,
			collector: clustercontroller.NewCollector(clk, o.APIEnablementsRefresh, 10*time.Second), interval: o.StatusInterval, clock: clk, log: log.WithName("status")},
		&rotation{creds: creds, clock: clk, log: log.WithName("certificate")},
		newPodMetricsReporter(o, mgr, member, clk, log.WithName("podmetrics")),
	}
	for _, r := range runnables {
		if err := mgr.Add(r); err != nil {
			return err
		}
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	log.Info("Agent connected", "cluster", o.ClusterName, "controlPlane", cfg.Host)
	return mgr.Start(ctx)
}

// localMember hands the executor the cluster the agent runs in.
type localMember struct{ member *membercluster.Member }

func (l localMember) Get(_ context.Context, cluster *karmadaclusterv1alpha1.Cluster) (*membercluster.Member, error) {
	if cluster.Name != l.member.Name {
		return nil, fmt.Errorf("the agent of cluster %s does not serve cluster %s", l.member.Name, cluster.Name)
	}
	return l.member, nil
}

func bootstrapToken(o Options) (string, error) {
	if o.BootstrapTokenFile == "" {
		return strings.TrimSpace(o.BootstrapToken), nil
	}
	raw, err := os.ReadFile(o.BootstrapTokenFile)
	if err != nil {
		return "", fmt.Errorf("--bootstrap-token-file: %w", err)
	}
	return strings.TrimSpace(string(raw)), nil
}

// rotation renews the certificate before it expires.
type rotation struct {
	creds *credentials
	clock clock.Clock
	log   logr.Logger
}

// NeedLeaderElection: the agent runs one replica per member.
func (r *rotation) NeedLeaderElection() bool { return false }

// Start renews until ctx ends. A certificate that expired unrenewed ends
// the agent: it cannot talk to the control plane any more, and a restart
// falls back on the bootstrap token.
func (r *rotation) Start(ctx context.Context) error {
	for {
		cert, ok := r.creds.current()
		if !ok {
			return errors.New("the agent's certificate expired before it could be renewed")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.clock.After(r.creds.renewAt(cert).Sub(r.clock.Now())):
		}
		if err := r.creds.renew(ctx); err != nil {
			r.log.Error(err, "Certificate renewal failed, retrying", "expires", cert.NotAfter)
			select {
			case <-ctx.Done():
				return nil
			case <-r.clock.After(min(time.Minute, cert.NotAfter.Sub(r.clock.Now())/10+time.Second)):
			}
			continue
		}
		r.log.Info("Certificate renewed")
	}
}
