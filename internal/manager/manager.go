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
// Package manager assembles the kurator controller-manager: options, the
// controller-runtime manager and every controller.
package manager

import (
	"context"
	"flag"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"kurator.dev/kurator/config/admission"
	"kurator.dev/kurator/internal/autoscaling"
	"kurator.dev/kurator/internal/autoscaling/collect"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/controller/agentcsr"
	"kurator.dev/kurator/internal/controller/appfailover"
	"kurator.dev/kurator/internal/controller/attachedcluster"
	"kurator.dev/kurator/internal/controller/binding"
	"kurator.dev/kurator/internal/controller/bindingstatus"
	"kurator.dev/kurator/internal/controller/cluster"
	"kurator.dev/kurator/internal/controller/cronfederatedhpa"
	"kurator.dev/kurator/internal/controller/dependencies"
	"kurator.dev/kurator/internal/controller/descheduler"
	"kurator.dev/kurator/internal/controller/detector"
	"kurator.dev/kurator/internal/controller/execution"
	"kurator.dev/kurator/internal/controller/federatedhpa"
	"kurator.dev/kurator/internal/controller/fleet"
	"kurator.dev/kurator/internal/controller/intelligentscheduler"
	"kurator.dev/kurator/internal/controller/interpretercustomization"
	"kurator.dev/kurator/internal/controller/karmadaconfig"
	"kurator.dev/kurator/internal/controller/retainreplicas"
	"kurator.dev/kurator/internal/controller/revisions"
	"kurator.dev/kurator/internal/controller/rollout"
	"kurator.dev/kurator/internal/controller/scheduling"
	"kurator.dev/kurator/internal/controller/temporalshift"
	"kurator.dev/kurator/internal/controller/traffic"
	"kurator.dev/kurator/internal/controlplaneapis"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/customization"
	"kurator.dev/kurator/internal/interpreter/luavm"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/resourcetemplate"
	"kurator.dev/kurator/internal/scheduler/tuning"
	"kurator.dev/kurator/internal/scheme"
)

// Options are the controller-manager's flags.
type Options struct {
	Kubeconfig       string
	MetricsAddr      string
	HealthProbeAddr  string
	LeaderElect      bool
	LeaderElectionNS string
	LeaderElection   LeaderElection
	Cluster          cluster.Options
	Descheduler      descheduler.Options
	// PrometheusURL is where workload metrics are read (traffic weights
	// that follow SLIs); empty means no metrics provider.
	PrometheusURL string
	// Autoscaling tunes FederatedHPAs and the control plane's HPAs.
	Autoscaling AutoscalingOptions
	// ScriptLimits bound each run of a ResourceInterpreterCustomization's
	// Lua script; ScriptMemory is their memory as a quantity (64Mi).
	ScriptLimits luavm.Limits
	ScriptMemory string
	// InstallAPIs applies Kurator's CRDs and admission policies to the
	// control plane before the controllers start (an installed control
	// plane; the local fleet applies them itself).
	InstallAPIs bool
	// IntelligentSchedulerResync is how often IntelligentSchedulers
	// re-measure SLIs and re-estimate spend.
	IntelligentSchedulerResync time.Duration
}

// AddFlags registers the options on fs with their defaults.
func (o *Options) AddFlags(fs *flag.FlagSet) {
	d := cluster.DefaultOptions()
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "kubeconfig of the control plane; empty means in-cluster configuration")
	fs.StringVar(&o.MetricsAddr, "metrics-bind-address", ":8443", "address of the metrics endpoint; 0 disables it")
	fs.StringVar(&o.HealthProbeAddr, "health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	fs.BoolVar(&o.LeaderElect, "leader-elect", false, "elect a leader so that several replicas can run")
	fs.StringVar(&o.LeaderElectionNS, "leader-election-namespace", components.Namespace, "namespace of the leader election lease")
	o.LeaderElection.AddFlags(fs)
	fs.DurationVar(&o.Cluster.ProbePeriod, "cluster-status-update-frequency", d.ProbePeriod, "how often each member cluster is probed")
	fs.DurationVar(&o.Cluster.ProbeTimeout, "cluster-probe-timeout", d.ProbeTimeout, "timeout of one health probe")
	fs.DurationVar(&o.Cluster.Thresholds.Failure, "cluster-failure-threshold", d.Thresholds.Failure, "how long a member must fail probes before it is marked not ready")
	fs.DurationVar(&o.Cluster.Thresholds.Success, "cluster-success-threshold", d.Thresholds.Success, "how long a member must pass probes before it is marked ready again")
	fs.DurationVar(&o.Cluster.EvictionGrace, "cluster-eviction-grace", d.EvictionGrace, "how long a member stays not ready before its workloads are evicted (tainted NoExecute); 0 evicts at once")
	dd := descheduler.DefaultOptions()
	fs.DurationVar(&o.Descheduler.Interval, "descheduler-interval", dd.Interval, "how often the descheduler looks for replicas that cannot run where they were placed")
	fs.DurationVar(&o.Descheduler.Threshold, "descheduler-unschedulable-threshold", dd.Threshold, "how long a replica must stay unschedulable in a member before it is moved (dynamically divided workloads)")
	fs.DurationVar(&o.Cluster.APIEnablementsRefresh, "cluster-api-enablements-refresh", d.APIEnablementsRefresh, "how often a member's API discovery is re-read")
	fs.DurationVar(&o.Autoscaling.SyncPeriod, "horizontal-pod-autoscaler-sync-period", federatedhpa.DefaultSyncPeriod, "how often each FederatedHPA (and control-plane HPA) reads its workload's metrics and recomputes its replicas")
	fs.Float64Var(&o.Autoscaling.Tolerance, "horizontal-pod-autoscaler-tolerance", autoscaling.DefaultTolerance, "the ratio of current to target metric within which an autoscaler changes nothing")
	fs.DurationVar(&o.Autoscaling.MemberTimeout, "federatedhpa-member-timeout", collect.DefaultTimeout, "how long one member may take to report its pods' metrics before it is marked stale for that round")
	fs.DurationVar(&o.ScriptLimits.Timeout, "interpreter-script-timeout", luavm.DefaultTimeout, "how long one run of a ResourceInterpreterCustomization's Lua script may take")
	fs.StringVar(&o.ScriptMemory, "interpreter-script-memory", "64Mi", "how much memory one run of a ResourceInterpreterCustomization's Lua script may allocate")
	fs.BoolVar(&o.InstallAPIs, "install-apis", false, "apply Kurator's CRDs, Istio's networking CRDs and the admission policies to the control plane before starting")
	fs.DurationVar(&o.IntelligentSchedulerResync, "intelligent-scheduler-resync", intelligentscheduler.DefaultResync, "how often each IntelligentScheduler re-measures its workloads' SLIs and re-estimates their spend")
	fs.StringVar(&o.PrometheusURL, "prometheus-url", "", "Prometheus HTTP API (http[s]://host:port) to read workload metrics from; empty: features that need metrics say so in a condition")
}

// Validate rejects settings that cannot work.
func (o *Options) Validate() error {
	if o.Cluster.ProbePeriod <= 0 || o.Cluster.ProbeTimeout <= 0 {
		return fmt.Errorf("--cluster-status-update-frequency and --cluster-probe-timeout must be positive")
	}
	if o.Descheduler.Interval <= 0 || o.Descheduler.Threshold < 0 {
		return fmt.Errorf("--descheduler-interval must be positive and --descheduler-unschedulable-threshold not negative")
	}
	if o.Cluster.Thresholds.Failure < 0 || o.Cluster.Thresholds.Success < 0 || o.Cluster.EvictionGrace < 0 {
		return fmt.Errorf("cluster thresholds must not be negative")
	}
	if _, err := o.metricsProvider(); err != nil {
		return fmt.Errorf("--prometheus-url: %w", err)
	}
	if a := o.Autoscaling; a.SyncPeriod <= 0 || a.MemberTimeout <= 0 || a.Tolerance < 0 || a.Tolerance >= 1 {
		return fmt.Errorf("--horizontal-pod-autoscaler-sync-period and --federatedhpa-member-timeout must be positive and --horizontal-pod-autoscaler-tolerance in [0, 1)")
	}
	if o.ScriptMemory != "" {
		q, err := resource.ParseQuantity(o.ScriptMemory)
		if err != nil || q.Value() <= 0 {
			return fmt.Errorf("--interpreter-script-memory %q is not a positive quantity such as 64Mi", o.ScriptMemory)
		}
		o.ScriptLimits.Memory = q.Value()
	}
	if o.IntelligentSchedulerResync < 0 {
		return fmt.Errorf("--intelligent-scheduler-resync must not be negative")
	}
	if o.ScriptLimits.Timeout < 0 {
		return fmt.Errorf("--interpreter-script-timeout must not be negative")
	}
	return o.LeaderElection.Validate()
}

// New builds the manager with every controller registered.
func New(o Options) (ctrl.Manager, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("control plane config: %w", err)
	}
	// Each scheduling decision and Work write is a request; a client-side
	// limit of a few hundred per second would cap propagation throughput.
	cfg.QPS, cfg.Burst = 1000, 2000
	if o.InstallAPIs {
		if err := installAPIs(cfg); err != nil {
			return nil, err
		}
	}
	mopts := ctrl.Options{
		Scheme:                 scheme.Scheme,
		Metrics:                metricsserver.Options{BindAddress: o.MetricsAddr},
		HealthProbeBindAddress: o.HealthProbeAddr,
	}
	if o.LeaderElect {
		if err := o.LeaderElection.apply(&mopts, cfg, o.LeaderElectionNS); err != nil {
			return nil, err
		}
	}
	mgr, err := ctrl.NewManager(cfg, mopts)
	if err != nil {
		return nil, err
	}
	members := membercluster.NewRegistry(mgr.GetClient(), o.Cluster.ProbeTimeout+2*time.Second)
	// The scheduler's settings a KarmadaConfig changes while it runs.
	// Without one: every worker decides, every feasible cluster is scored
	// (as in Karmada), member syncs get the probe timeout, and members'
	// node data is waited for as long as Karmada waits for its estimator.
	tune := tuning.New(tuning.Values{Parallelism: scheduling.MaxParallelism, PercentOfClustersToScore: 100,
		CacheSyncTimeout: o.Cluster.ProbeTimeout, EstimatorTimeout: tuning.DefaultEstimatorTimeout})
	if err := (&cluster.Reconciler{Client: mgr.GetClient(), Members: members, Recorder: mgr.GetEventRecorder("cluster-status"), Options: o.Cluster,
		SyncTimeout: tune.CacheSyncTimeout}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := (&attachedcluster.Reconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("attachedcluster")}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := (&fleet.Reconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("fleet")}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := (&agentcsr.Reconciler{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	provider, err := o.metricsProvider()
	if err != nil {
		return nil, err
	}
	if err := (&traffic.Reconciler{Client: mgr.GetClient(), Metrics: provider, Recorder: mgr.GetEventRecorder("trafficpolicy")}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := (&rollout.Starter{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := (&rollout.Reconciler{Client: mgr.GetClient(), Metrics: provider, Recorder: mgr.GetEventRecorder("stagedupdaterun")}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := addInterpreter(mgr, o.ScriptLimits); err != nil {
		return nil, err
	}
	if err := addAutoscaling(mgr, members, provider, o.Autoscaling); err != nil {
		return nil, err
	}
	if err := (&intelligentscheduler.Reconciler{Client: mgr.GetClient(), Metrics: provider, Recorder: mgr.GetEventRecorder("intelligentscheduler"), Resync: o.IntelligentSchedulerResync}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := addPropagation(mgr, members, tune); err != nil {
		return nil, err
	}
	// Deferrable Jobs start at the greenest or cheapest time their
	// deadline allows, once placed.
	if err := (&temporalshift.Reconciler{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(),
		Recorder: mgr.GetEventRecorder("temporalshift")}).SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := mgr.Add(&descheduler.Descheduler{Client: mgr.GetClient(), Members: members,
		Recorder: mgr.GetEventRecorder("descheduler"), Options: o.Descheduler}); err != nil {
		return nil, err
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return nil, err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return nil, err
	}
	return mgr, nil
}

// AutoscalingOptions tune the autoscalers.
type AutoscalingOptions struct {
	SyncPeriod    time.Duration
	Tolerance     float64
	MemberTimeout time.Duration
}

// addAutoscaling registers the FederatedHPA controller, the one serving
// HPAs through it, and those retaining the members' replicas for the HPAs
// policies propagate.
func addAutoscaling(mgr ctrl.Manager, members membercluster.Source, provider metricsprovider.Provider, o AutoscalingOptions) error {
	if err := (&federatedhpa.Reconciler{
		Client: mgr.GetClient(), Collector: &collect.Collector{Members: members, Works: mgr.GetClient(), Timeout: o.MemberTimeout}, Metrics: provider,
		Recorder: mgr.GetEventRecorder("federatedhpa"), SyncPeriod: o.SyncPeriod, Tolerance: o.Tolerance,
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&cronfederatedhpa.Reconciler{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("cronfederatedhpa")}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&federatedhpa.HPAReconciler{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return err
	}
	// HPAs that policies propagate: the members keep the replicas their
	// HPAs write, and the templates show the sum.
	if err := (&retainreplicas.Marker{Client: mgr.GetClient(), Reader: mgr.GetAPIReader()}).SetupWithManager(mgr); err != nil {
		return err
	}
	return (&retainreplicas.Syncer{Client: mgr.GetClient(), Reader: mgr.GetAPIReader()}).SetupWithManager(mgr)
}

// installAPIs applies the control plane's APIs, retrying while it is not
// yet reachable (its replicas may start after this one).
func installAPIs(cfg *rest.Config) error {
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var last error
	err = wait.PollUntilContextCancel(ctx, 2*time.Second, true, func(ctx context.Context) (bool, error) {
		last = controlplaneapis.Install(ctx, c, time.Minute)
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("install the control plane's APIs: %w", last)
	}
	return nil
}

// addPropagation registers the propagation pipeline: detector (template →
// binding), scheduling (binding → decision, tuned by KarmadaConfigs),
// dependencies (a decision with propagateDeps → the bindings of the
// ConfigMaps, Secrets, ... it needs), binding (decision → Works) and
// execution (Works → members, with their status back).
func addPropagation(mgr ctrl.Manager, members *membercluster.Registry, tune *tuning.Tuning) error {
	dyn, err := dynamic.NewForConfig(mgr.GetConfig())
	if err != nil {
		return err
	}
	det := &detector.Detector{
		Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Cache: mgr.GetCache(), Dynamic: dyn, Mapper: mgr.GetRESTMapper(),
		Recorder: mgr.GetEventRecorder("detector"), Workers: 48,
	}
	if err := mgr.Add(det); err != nil {
		return err
	}
	if err := addTuning(mgr, tune); err != nil {
		return err
	}
	if err := scheduling.SetupWithManager(mgr, members, mgr.GetEventRecorder("scheduler"), tune); err != nil {
		return err
	}
	if err := (&execution.Reconciler{Client: mgr.GetClient(), Members: members, Recorder: mgr.GetEventRecorder("execution")}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&dependencies.Reconciler{
		Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Dynamic: dyn, Mapper: mgr.GetRESTMapper(), Recorder: mgr.GetEventRecorder("dependencies"),
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := (&appfailover.Reconciler{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return err
	}
	if err := addRevisions(mgr); err != nil {
		return err
	}
	templates := &resourcetemplate.Reader{Source: det, Dynamic: dyn, Mapper: mgr.GetRESTMapper()}
	if err := binding.SetupWithManager(mgr, templates, mgr.GetEventRecorder("binding")); err != nil {
		return err
	}
	return bindingstatus.SetupWithManager(mgr, dyn, templates)
}

// addRevisions registers the projection of Deployment revisions, which
// writes as the identity the control plane's admission policy reserves for
// it (config/admission).
func addRevisions(mgr ctrl.Manager) error {
	cfg := rest.CopyConfig(mgr.GetConfig())
	cfg.Impersonate = rest.ImpersonationConfig{UserName: admission.ProjectorUser}
	projector, err := client.New(cfg, client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return err
	}
	return (&revisions.Reconciler{Client: mgr.GetClient(), Projector: projector}).SetupWithManager(mgr)
}

// metricsProvider is the backend workload metrics are read from.
func (o *Options) metricsProvider() (metricsprovider.Provider, error) {
	if o.PrometheusURL == "" {
		return metricsprovider.None{}, nil
	}
	return metricsprovider.NewPrometheus(o.PrometheusURL)
}

// addInterpreter loads the ResourceInterpreterCustomizations before any
// controller interprets a kind, then keeps them loaded (on every replica)
// and their status written (on the leader).
func addInterpreter(mgr ctrl.Manager, limits luavm.Limits) error {
	changed, events := interpretercustomization.FailureEvents()
	failures := &customization.Failures{Changed: changed}
	loader := &interpretercustomization.Loader{Registry: interpreter.Default, Scripts: customization.NewLuaScripts(limits), Failures: failures}
	reader, err := client.New(mgr.GetConfig(), client.Options{Scheme: scheme.Scheme, Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := loader.Load(ctx, reader); err != nil {
		// Without the API yet (installed later), the loader's controller
		// loads them once it is served.
		mgr.GetLogger().Info("ResourceInterpreterCustomizations not loaded before start", "error", err.Error())
	}
	return interpretercustomization.Setup(mgr, loader, failures, events)
}

// addTuning puts the KarmadaConfig in force before the scheduler starts,
// then keeps it in force (on every replica) and its status written (on the
// leader).
func addTuning(mgr ctrl.Manager, tune *tuning.Tuning) error {
	applier := &karmadaconfig.Applier{Tuning: tune}
	reader, err := client.New(mgr.GetConfig(), client.Options{Scheme: scheme.Scheme, Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := applier.Load(ctx, reader); err != nil {
		// Without the API yet (installed later), the applier's controller
		// loads them once it is served.
		mgr.GetLogger().Info("KarmadaConfigs not loaded before start", "error", err.Error())
	}
	return karmadaconfig.Setup(mgr, applier, mgr.GetEventRecorder("karmadaconfig"))
}
