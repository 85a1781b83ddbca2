%% The workloads of BENCHMARKS.md (W1..W7), the scaling ones (W8, W9) and the fault layer's (W10)
%% on Erlang/OTP, the second peer distproc is measured against, with the same command line and
%% output as the Java sides:
%%
%%   erl +S 2 +P 2000000 -noshell -start_epmd false -pa EBIN \
%%       -run erlang_workloads main run W SCALE RUNS
%%
%% runs workload W (W1..W10) once at a tenth of its full size as warm-up, then RUNS times at
%% SCALE of its full size, and prints `RESULT key=value' (median, min, max of each metric) and
%% `INFO key=value' lines on standard output; progress goes to standard error. The remote
%% workloads (W4-W6, W9) start distribution on 127.0.0.1 themselves, on the epmd that
%% ERL_EPMD_ADDRESS and ERL_EPMD_PORT name, and node B (W9: three nodes) as an OS process of its
%% own, with the emulator flags in BENCH_ERL_FLAGS:
%%
%%   erl FLAGS -noshell -start_epmd false -pa EBIN -name B@127.0.0.1 -setcookie C ... \
%%       -run erlang_workloads main node-b B
%%
%% announcing it with `CHILD ospid' so that the driver can stop it whatever happens. A stops B
%% with SIGKILL when done with it; B also ends by itself when its standard input closes, that is
%% when the VM that started it is gone. BENCH_W4_WINDOW changes W4's window (2,000). See
%% benchmarks/README.md.
-module(erlang_workloads).

-export([main/1, sink/3, echo/1, waiter/0, streamer/4]).

%% How long a workload waits for any one step before it gives up.
-define(PATIENCE_MS, 120000).

%% W10's restarts at full size: Erlang's supervisor walks its list of the restarts within the
%% period at each restart, so 10^5 of them take minutes.
-define(W10_PATIENCE_MS, 900000).

%% The workloads' full sizes, as BENCHMARKS.md defines them (the same as Bench.java's).
-define(W1_PROCESSES, 1000000).
-define(W2_ROUND_TRIPS, 1000000).
-define(W3_SENDERS, 4).
-define(W3_PER_SENDER, 1000000).
-define(W4_MESSAGES, 1000000).
-define(W4_PAYLOAD, 100).
-define(W4_ACK_EVERY, 500).
-define(W5_ROUND_TRIPS, 100000).
-define(W7_DEPTH, 10000).
-define(W7_ROUND_TRIPS, 100000).
-define(W8_IDLE, 1000000).
-define(W9_NODES, 4).
-define(W9_PER_LINK, 250000).
-define(W10_RESTARTS, 100000).
-define(W10_FIRST_RESTARTS, 1000).
-define(W10_PAIRS, 100000).

%% ---- entry ---------------------------------------------------------------------------------

%% `run W SCALE RUNS [WARMUPS]' (the first WARMUPS of the RUNS are not counted) or
%% `node-b NAME'; halts with 0, or 1 after printing what went wrong.
main(Args) ->
    Status =
        try
            case Args of
                ["run", W, Scale, Runs] ->
                    run(W, to_float(Scale), list_to_integer(Runs));
                ["run", W, Scale, Runs, Warmups] ->
                    persistent_term:put(uncounted, list_to_integer(Warmups)),
                    run(W, to_float(Scale), list_to_integer(Runs));
                ["node-b", Name] ->
                    node_b(Name)
            end,
            0
        catch
            Class:Reason:Stack ->
                io:format(standard_error, "~p: ~p~n~p~n", [Class, Reason, Stack]),
                1
        end,
    erlang:halt(Status).

run(W, Scale, Runs) ->
    info("side", "erlang"),
    info("erlang.version", "Erlang/OTP " ++ erlang:system_info(otp_release) ++ " (erts "
         ++ erlang:system_info(version) ++ ")"),
    info("erlang.flags", os:getenv("BENCH_ERL_FLAGS", "")),
    info("schedulers", integer_to_list(erlang:system_info(schedulers_online))),
    info("cores", integer_to_list(erlang:system_info(logical_processors))),
    case W of
        "W1" -> w1(Scale, Runs);
        "W2" -> w2(Scale, Runs);
        "W3" -> w3(Scale, Runs);
        "W4" -> w4(Scale, Runs);
        "W5" -> w5(Scale, Runs);
        "W6" -> w6(Runs);
        "W7" -> w7(Scale, Runs);
        "W8" -> w8(Scale, Runs);
        "W9" -> w9(Scale, Runs);
        "W10" -> w10(Scale, Runs);
        _ -> error({unknown_workload, W})
    end.

%% ---- W1: spawn waiting processes, one message each, all end --------------------------------

w1(Scale, Runs) ->
    N = scaled(?W1_PROCESSES, Scale),
    result("w1.processes", N),
    info("w1.how", "one process spawns the waiters and keeps their pids in a list; each counts "
         "down an atomics counter when it starts and when it ends, the last one tells the "
         "spawner (a latch)"),
    info("w1.memory", "erlang:memory(processes) after garbage_collect/1 of every process, with "
         "the waiters alive, less the same with none alive (the smaller of before and after)"),
    in_process(fun() -> w1_once(warmup(?W1_PROCESSES)) end),
    Acc = lists:foldl(
            fun(_, A) ->
                    Base = memory_after_gc(),
                    {Rate, SpawnRate, Alive} = in_process(fun() -> w1_once(N) end),
                    After = memory_after_gc(),
                    add("w1", [{"rate", Rate},
                               {"spawnRate", SpawnRate},
                               {"bytesPerProcess", (Alive - min(Base, After)) / N}], A)
            end, [], lists:seq(1, Runs)),
    print_runs("w1", Acc).

w1_once(N) ->
    Self = self(),
    Ready = atomics:new(1, []),
    Ended = atomics:new(1, []),
    T0 = now_ns(),
    Pids = w1_spawn(N, fun() -> w1_waiter(N, Ready, Ended, Self) end, []),
    receive {counted_down, Ready} -> ok after ?PATIENCE_MS -> error(w1_start_timeout) end,
    T1 = now_ns(),
    Alive = memory_after_gc(),
    T2 = now_ns(),
    w1_send(Pids),
    receive {counted_down, Ended} -> ok after ?PATIENCE_MS -> error(w1_end_timeout) end,
    T3 = now_ns(),
    {per_second(N, (T1 - T0) + (T3 - T2)), per_second(N, T1 - T0), Alive}.

w1_spawn(0, _, Acc) -> Acc;
w1_spawn(K, F, Acc) -> w1_spawn(K - 1, F, [spawn(F) | Acc]).

w1_waiter(N, Ready, Ended, Parent) ->
    count_down(Ready, N, Parent),
    receive _ -> ok end,
    count_down(Ended, N, Parent).

%% A latch: the N-th to count tells the parent.
count_down(Counter, N, Parent) ->
    case atomics:add_get(Counter, 1, 1) of
        N -> Parent ! {counted_down, Counter};
        _ -> ok
    end.

w1_send([]) -> ok;
w1_send([P | Ps]) -> P ! go, w1_send(Ps).

%% erlang:memory(processes) (the heaps and control blocks of all processes) after every process
%% was garbage collected, by a helper that is gone by the time memory is read.
memory_after_gc() ->
    {_, Ref} = spawn_monitor(fun() ->
                                     Me = self(),
                                     [erlang:garbage_collect(P) || P <- erlang:processes(),
                                                                   P =/= Me]
                             end),
    receive {'DOWN', Ref, process, _, _} -> ok end,
    erlang:garbage_collect(),
    erlang:memory(processes).

%% ---- W2: local ping-pong -------------------------------------------------------------------

w2(Scale, Runs) ->
    N = scaled(?W2_ROUND_TRIPS, Scale),
    result("w2.roundTrips", N),
    w2_once(warmup(?W2_ROUND_TRIPS)),
    Acc = lists:foldl(fun(_, A) -> add("w2", [{"rate", w2_once(N)}], A) end, [],
                      lists:seq(1, Runs)),
    print_runs("w2", Acc).

w2_once(N) ->
    in_process(fun() ->
                       Ponger = spawn_link(fun ponger/0),
                       T0 = now_ns(),
                       ping(Ponger, self(), N),
                       T = now_ns() - T0,
                       Ponger ! stop,
                       per_second(N, T)
               end).

ping(_, _, 0) -> ok;
ping(Ponger, Self, K) ->
    Ponger ! Self,
    receive pong -> ok end,
    ping(Ponger, Self, K - 1).

ponger() ->
    receive
        From when is_pid(From) -> From ! pong, ponger();
        stop -> ok
    end.

%% ---- W3: fan-in ----------------------------------------------------------------------------

w3(Scale, Runs) ->
    PerSender = scaled(?W3_PER_SENDER, Scale),
    result("w3.senders", ?W3_SENDERS),
    result("w3.perSender", PerSender),
    w3_once(warmup(?W3_PER_SENDER)),
    Acc = lists:foldl(fun(_, A) -> add("w3", [{"rate", w3_once(PerSender)}], A) end, [],
                      lists:seq(1, Runs)),
    print_runs("w3", Acc).

w3_once(PerSender) ->
    in_process(
      fun() ->
              Total = ?W3_SENDERS * PerSender,
              Self = self(),
              Receiver = spawn_link(fun() -> take(Total), Self ! {w3_done, now_ns()} end),
              T0 = now_ns(),
              [spawn_link(fun() -> w3_send(Receiver, PerSender) end)
               || _ <- lists:seq(1, ?W3_SENDERS)],
              receive {w3_done, End} -> per_second(Total, End - T0) end
      end).

take(0) -> ok;
take(K) -> receive _ -> take(K - 1) end.

w3_send(_, 0) -> ok;
w3_send(Receiver, K) -> Receiver ! 1, w3_send(Receiver, K - 1).

%% ---- the second node -----------------------------------------------------------------------

%% Node B: its processes are spawned by A (sink/3, echo/1, waiter/0 of this module); it ends
%% when its standard input closes.
node_b(Name) ->
    log("node ~s up: ~p (net_ticktime ~p s)", [Name, node(), net_kernel:get_net_ticktime()]),
    io:format("READY~n"),
    await_eof().

await_eof() ->
    case io:get_line("") of
        eof -> ok;
        {error, _} -> ok;
        _ -> await_eof()
    end.

%% B's sink: counts payloads, acknowledges every AckEvery (0: only the last) to ReplyTo.
sink(ReplyTo, Total, AckEvery) -> sink(ReplyTo, Total, AckEvery, 0).

sink(ReplyTo, Total, _, Total) ->
    ReplyTo ! {ack, Total};
sink(ReplyTo, Total, AckEvery, Count) ->
    receive
        Bin when is_binary(Bin) ->
            C = Count + 1,
            case AckEvery > 0 andalso C rem AckEvery =:= 0 andalso C < Total of
                true -> ReplyTo ! {ack, C};
                false -> ok
            end,
            sink(ReplyTo, Total, AckEvery, C)
    end.

%% B's echo: returns every payload to Peer.
echo(Peer) ->
    receive
        Bin when is_binary(Bin) -> Peer ! Bin, echo(Peer);
        stop -> ok
    end.

%% B's waiter, which A monitors in W6.
waiter() ->
    receive stop -> ok end.

%% net_kernel's settings: Erlang's defaults, or W6's tuned ones (the same budget as the Java
%% sides' tuned heartbeat: a tick every 200 ms, down after about 1 s of silence).
dist_options(default) -> #{};
dist_options(tuned) -> #{net_ticktime => 1, net_tickintensity => 5}.

dist_flags(default) -> [];
dist_flags(tuned) -> ["-kernel", "net_ticktime", "1", "-kernel", "net_tickintensity", "5"].

%% Starts distribution on this node as a<label>_<ospid>@127.0.0.1, with a fresh cookie.
start_dist(Label, Config) ->
    ok = application:set_env(kernel, inet_dist_use_interface, {127, 0, 0, 1}),
    Name = list_to_atom("a" ++ Label ++ "_" ++ os:getpid() ++ "@127.0.0.1"),
    {ok, _} = net_kernel:start(Name, maps:merge(#{name_domain => longnames},
                                                dist_options(Config))),
    true = erlang:set_cookie(list_to_atom("bench" ++ integer_to_list(rand:uniform(1 bsl 62)))),
    log("node ~p up (net_ticktime ~p s)", [node(), net_kernel:get_net_ticktime()]).

stop_dist() ->
    ok = net_kernel:stop().

%% Starts node B in an OS process of its own and connects to it: {Owner, OsPid, Node}, where
%% Owner is the local process that owns B's port and writes B's output to its log.
start_b(Config) ->
    N = case get(peers) of undefined -> 1; P -> P + 1 end,
    put(peers, N),
    Name = "b" ++ integer_to_list(N) ++ "_" ++ os:getpid(),
    Node = list_to_atom(Name ++ "@127.0.0.1"),
    Erl = filename:join([code:root_dir(), "bin", "erl"]),
    Args = string:lexemes(os:getenv("BENCH_ERL_FLAGS", ""), " ")
        ++ ["-noshell", "-start_epmd", "false",
            "-pa", filename:dirname(code:which(?MODULE)),
            "-name", atom_to_list(Node),
            "-setcookie", atom_to_list(erlang:get_cookie()),
            "-kernel", "inet_dist_use_interface", "{127,0,0,1}"]
        ++ dist_flags(Config)
        ++ ["-run", ?MODULE_STRING, "main", "node-b", Name],
    Log = filename:join(["target", "bench-logs",
                         "erlang-node-b" ++ integer_to_list(N) ++ ".log"]),
    Self = self(),
    Owner = spawn(fun() -> peer_owner(Self, Erl, Args, Log) end),
    OsPid = receive {Owner, os_pid, P2} -> P2 after 30000 -> error(peer_not_started) end,
    io:format("CHILD ~b~n", [OsPid]),
    receive
        {Owner, ready} -> ok;
        {Owner, exited, S} -> error({peer_exited, Name, S, Log})
    after 60000 ->
            error({peer_not_ready, Name, Log})
    end,
    true = net_kernel:connect_node(Node),
    {Owner, OsPid, Node}.

%% Stops B whatever its state (also SIGSTOPped): SIGKILL, unless it has ended already.
stop_b({Owner, OsPid, _}) ->
    receive
        {Owner, exited, _} -> ok
    after 0 ->
            kill(OsPid, "KILL"), % fails if B has just ended: it is waited for all the same
            receive {Owner, exited, _} -> ok after 10000 -> error({peer_did_not_end, OsPid}) end
    end.

peer_owner(Parent, Erl, Args, LogPath) ->
    ok = filelib:ensure_dir(LogPath),
    {ok, Log} = file:open(LogPath, [write]),
    Port = open_port({spawn_executable, Erl},
                     [{args, Args}, {line, 4096}, exit_status, stderr_to_stdout]),
    {os_pid, OsPid} = erlang:port_info(Port, os_pid),
    Parent ! {self(), os_pid, OsPid},
    peer_loop(Parent, Port, Log).

peer_loop(Parent, Port, Log) ->
    receive
        {Port, {data, {eol, "READY"}}} ->
            Parent ! {self(), ready},
            peer_loop(Parent, Port, Log);
        {Port, {data, {_, Line}}} ->
            io:put_chars(Log, [Line, $\n]),
            peer_loop(Parent, Port, Log);
        {Port, {exit_status, S}} ->
            io:format(Log, "[bench] exit status ~b~n", [S]),
            ok = file:close(Log),
            Parent ! {self(), exited, S}
    end.

%% Sends a signal (KILL, STOP) to an OS process.
signal(OsPid, Signal) ->
    case kill(OsPid, Signal) of
        {0, _} -> ok;
        {S, Output} -> error({kill_failed, Signal, OsPid, S, Output})
    end.

%% kill(1), run without a shell: {its exit status, what it printed}.
kill(OsPid, Signal) ->
    Port = open_port({spawn_executable, os:find_executable("kill")},
                     [{args, ["-" ++ Signal, integer_to_list(OsPid)]}, exit_status,
                      stderr_to_stdout]),
    kill_output(Port, Signal, OsPid, []).

kill_output(Port, Signal, OsPid, Acc) ->
    receive
        {Port, {data, D}} -> kill_output(Port, Signal, OsPid, [Acc | D]);
        {Port, {exit_status, S}} -> {S, lists:flatten(Acc)}
    after 10000 -> error({kill_timeout, Signal, OsPid})
    end.

%% ---- W4: remote throughput -----------------------------------------------------------------

w4(Scale, Runs) ->
    N = scaled(?W4_MESSAGES, Scale),
    Window = w4_window(),
    result("w4.messages", N),
    result("w4.payloadBytes", ?W4_PAYLOAD),
    result("w4.window", Window),
    result("w4.ackEvery", ?W4_ACK_EVERY),
    info("w4.batching", "none by the workload; the distribution carrier queues and writes "
         "itself"),
    info("w4.senderMemory", "erlang:memory(total) less erlang:memory(code), sampled every 5 ms"),
    start_dist("", default),
    Peer = start_b(default),
    {_, _, B} = Peer,
    Acc = lists:foldl(
            fun(Windowed, A0) ->
                    in_process(fun() -> w4_once(B, warmup(?W4_MESSAGES), Windowed, Window) end),
                    Mode = case Windowed of true -> "windowed"; false -> "blast" end,
                    lists:foldl(
                      fun(_, A) ->
                              {Rate, MaxMiB} =
                                  in_process(fun() -> w4_once(B, N, Windowed, Window) end),
                              add("w4", [{Mode ++ ".rate", Rate},
                                         {Mode ++ ".senderMaxHeapMiB", MaxMiB}], A)
                      end, A0, lists:seq(1, Runs))
            end, [], [false, true]),
    stop_b(Peer),
    stop_dist(),
    print_runs("w4", Acc).

w4_once(B, N, Windowed, Window) ->
    memory_after_gc(), % the sender's peak is measured from a clean start
    Sampler = spawn_link(fun() -> sample(0) end),
    Payload = payload(),
    AckEvery = case Windowed of true -> ?W4_ACK_EVERY; false -> 0 end,
    Sink = spawn(B, ?MODULE, sink, [self(), N, AckEvery]),
    T0 = now_ns(),
    case Windowed of
        true ->
            windowed(Sink, Payload, N, 0, 0, Window);
        false ->
            blast(Sink, Payload, N),
            receive {ack, N} -> ok end
    end,
    T = now_ns() - T0,
    Sampler ! {stop, self()},
    Max = receive {max, M} -> M end,
    {per_second(N, T), Max / 1048576}.

blast(_, _, 0) -> ok;
blast(Sink, Payload, K) -> Sink ! Payload, blast(Sink, Payload, K - 1).

windowed(_, _, N, _, Acked, _) when Acked >= N -> ok;
windowed(Sink, Payload, N, Sent, Acked, Window) ->
    Sent1 = fill(Sink, Payload, Sent, min(N, Acked + Window)),
    receive {ack, C} -> windowed(Sink, Payload, N, Sent1, max(Acked, C), Window) end.

fill(Sink, Payload, Sent, Limit) when Sent < Limit ->
    Sink ! Payload,
    fill(Sink, Payload, Sent + 1, Limit);
fill(_, _, Sent, _) ->
    Sent.

%% W4's window: 2,000 unacknowledged, or BENCH_W4_WINDOW.
w4_window() -> list_to_integer(os:getenv("BENCH_W4_WINDOW", "2000")).

%% The most memory in use on this node, code aside, sampled every 5 ms until told to stop.
sample(Max) ->
    Max1 = max(Max, memory_less_code()),
    receive {stop, From} -> From ! {max, Max1} after 5 -> sample(Max1) end.

%% The memory in use on this node, code aside (the JVM's heap holds no classes either).
memory_less_code() ->
    [{total, T}, {code, C}] = erlang:memory([total, code]),
    T - C.

payload() -> list_to_binary([I rem 256 || I <- lists:seq(0, ?W4_PAYLOAD - 1)]).

%% ---- W5: remote ping-pong latency ----------------------------------------------------------

w5(Scale, Runs) ->
    N = scaled(?W5_ROUND_TRIPS, Scale),
    result("w5.roundTrips", N),
    result("w5.payloadBytes", ?W4_PAYLOAD),
    start_dist("", default),
    Peer = start_b(default),
    {_, _, B} = Peer,
    in_process(fun() -> w5_once(B, warmup(?W5_ROUND_TRIPS)) end),
    Acc = lists:foldl(
            fun(_, A) ->
                    Lat = in_process(fun() -> w5_once(B, N) end),
                    Sorted = list_to_tuple(lists:sort(Lat)),
                    add("w5", [{"p50us", percentile(Sorted, 0.50) / 1.0e3},
                               {"p99us", percentile(Sorted, 0.99) / 1.0e3},
                               {"p999us", percentile(Sorted, 0.999) / 1.0e3},
                               {"maxus", element(tuple_size(Sorted), Sorted) / 1.0e3},
                               {"rate", per_second(N, lists:sum(Lat))}], A)
            end, [], lists:seq(1, Runs)),
    stop_b(Peer),
    stop_dist(),
    print_runs("w5", Acc).

%% The latency of each of N sequential round trips, in nanoseconds.
w5_once(B, N) ->
    Echo = spawn(B, ?MODULE, echo, [self()]),
    Lat = round_trips(Echo, payload(), N, []),
    Echo ! stop,
    Lat.

round_trips(_, _, 0, Acc) -> Acc;
round_trips(Echo, Payload, K, Acc) ->
    T = now_ns(),
    Echo ! Payload,
    receive Bin when is_binary(Bin) -> ok end,
    round_trips(Echo, Payload, K - 1, [now_ns() - T | Acc]).

%% Nearest-rank percentile of a sorted tuple.
percentile(Sorted, Q) ->
    Rank = ceil(Q * tuple_size(Sorted)),
    element(min(tuple_size(Sorted), max(1, Rank)), Sorted).

%% ---- W6: node-down detection ---------------------------------------------------------------

w6(Runs) ->
    info("w6.default", "net_kernel's defaults (net_ticktime 60 s, net_tickintensity 4: a tick "
         "every 15 s, a silent peer down after 45 to 75 s)"),
    info("w6.tuned", "net_ticktime 1 s and net_tickintensity 5 on both nodes (a tick every "
         "200 ms, a silent peer down after 0.8 to 1.2 s)"),
    info("w6.how", "A monitors a process on B (erlang:spawn_monitor/4); the signal is sent with "
         "kill(1); time from just before it until the 'DOWN' message"),
    Acc = lists:foldl(
            fun(Config, A0) ->
                    Label = atom_to_list(Config),
                    start_dist(Label, Config),
                    A1 = lists:foldl(
                           fun(_, A) ->
                                   add("w6", [{"kill." ++ Label ++ "Seconds",
                                               w6_once(Config, "KILL")},
                                              {"hang." ++ Label ++ "Seconds",
                                               w6_once(Config, "STOP")}], A)
                           end, A0, lists:seq(1, Runs)),
                    stop_dist(),
                    A1
            end, [], [default, tuned]),
    print_runs("w6", Acc).

w6_once(Config, Signal) ->
    Peer = start_b(Config),
    {_, OsPid, B} = Peer,
    {Waiter, Ref} = spawn_monitor(B, ?MODULE, waiter, []),
    %% Ticks flowing, as on the other sides: 3 s with the defaults, 3 ticks tuned.
    timer:sleep(case Config of default -> 3000; tuned -> 600 end),
    T0 = now_ns(),
    signal(OsPid, Signal),
    Reason = receive {'DOWN', Ref, process, Waiter, R} -> R
             after ?PATIENCE_MS -> error({w6_no_down, Signal})
             end,
    T1 = now_ns(),
    log("W6 ~s: monitor fired with ~p", [Signal, Reason]),
    stop_b(Peer),
    (T1 - T0) / 1.0e9.

%% ---- W7: selective receive on a deep mailbox -----------------------------------------------

w7(Scale, Runs) ->
    N = scaled(?W7_ROUND_TRIPS, Scale),
    Depth = ?W7_DEPTH,
    result("w7.roundTrips", N),
    result("w7.depth", Depth),
    info("w7.plain", "replies matched by an integer counter: each receive scans the queued "
         "messages"),
    info("w7.ref", "replies matched by make_ref(): the compiler marks the mailbox when the ref "
         "is made, and the receive starts there"),
    [begin
         w7_once(V, 0, warmup(?W7_ROUND_TRIPS)),
         w7_once(V, Depth, warmup(?W7_ROUND_TRIPS))
     end || V <- [plain, ref]],
    Acc = lists:foldl(
            fun(_, A0) ->
                    lists:foldl(
                      fun(V, A) ->
                              Empty = w7_once(V, 0, N),
                              Deep = w7_once(V, Depth, N),
                              L = atom_to_list(V),
                              add("w7", [{L ++ ".emptyRate", Empty},
                                         {L ++ ".rate", Deep},
                                         {L ++ ".slowdown", Empty / Deep}], A)
                      end, A0, [plain, ref])
            end, [], lists:seq(1, Runs)),
    print_runs("w7", Acc).

w7_once(Variant, Depth, N) ->
    in_process(
      fun() ->
              Self = self(),
              Server = spawn_link(fun w7_server/0),
              Client = spawn_link(
                         fun() ->
                                 receive start -> ok end, % the noise before it stays queued
                                 T0 = now_ns(),
                                 case Variant of
                                     plain -> requests_plain(Server, 1, N);
                                     ref -> requests_ref(Server, 1, N)
                                 end,
                                 T = now_ns() - T0,
                                 Left = count_noise(0),
                                 Server ! stop,
                                 Self ! {w7_done, T, Left}
                         end),
              noise(Client, Depth),
              Client ! start,
              receive
                  {w7_done, T, Depth} -> per_second(N, T);
                  {w7_done, _, Left} -> error({w7_noise_left, Left, Depth})
              end
      end).

requests_plain(_, I, N) when I > N -> ok;
requests_plain(Server, I, N) ->
    Server ! {request, self(), I},
    receive {reply, I} -> ok end,
    requests_plain(Server, I + 1, N).

requests_ref(_, I, N) when I > N -> ok;
requests_ref(Server, I, N) ->
    Ref = make_ref(),
    Server ! {request, self(), Ref},
    receive {reply, Ref} -> ok end,
    requests_ref(Server, I + 1, N).

w7_server() ->
    receive
        {request, From, Ref} -> From ! {reply, Ref}, w7_server();
        stop -> ok
    end.

noise(_, 0) -> ok;
noise(Client, K) -> Client ! {noise, K}, noise(Client, K - 1).

count_noise(K) ->
    receive {noise, _} -> count_noise(K + 1) after 0 -> K end.

%% ---- W8: local rates with an idle population ----------------------------------------------

w8(Scale, Runs) ->
    Idle = kept(?W8_IDLE, Scale),
    Trips = scaled(?W2_ROUND_TRIPS, Scale),
    PerSender = scaled(?W3_PER_SENDER, Scale),
    result("w8.idle", Idle),
    result("w8.roundTrips", Trips),
    result("w8.perSender", PerSender),
    info("w8.how", "each run: W2 and W3 with no other process of ours, then the same with the idle "
         "population alive (W1's waiters, each blocked in a receive; counted by "
         "system_info(process_count)), then the population is released and awaited; no global "
         "collection (each process has a heap of its own)"),
    w8_once(warmup(?W8_IDLE, Scale), warmup(?W2_ROUND_TRIPS, Scale),
            warmup(?W3_PER_SENDER, Scale)),
    Acc = lists:foldl(
            fun(_, A) ->
                    {W2Empty, W3Empty, {W2Idle, W3Idle}, Built, TornDown} =
                        w8_once(Idle, Trips, PerSender),
                    add("w8", [{"w2.emptyRate", W2Empty},
                               {"w2.rate", W2Idle},
                               {"w2.ofEmpty", W2Idle / W2Empty},
                               {"w3.emptyRate", W3Empty},
                               {"w3.rate", W3Idle},
                               {"w3.ofEmpty", W3Idle / W3Empty},
                               {"buildSeconds", Built / 1.0e9},
                               {"teardownSeconds", TornDown / 1.0e9}], A)
            end, [], lists:seq(1, Runs)),
    print_runs("w8", Acc).

w8_once(Idle, Trips, PerSender) ->
    W2Empty = w2_once(Trips),
    W3Empty = w3_once(PerSender),
    {IdleRates, Built, TornDown} =
        with_idle(Idle, fun() -> {w2_once(Trips), w3_once(PerSender)} end),
    {W2Empty, W3Empty, IdleRates, Built, TornDown}.

%% Runs F with N idle processes alive (W1's waiters, each blocked in a receive), counted by
%% process_count once they have all started and checked to be all still waiting after F; then
%% releases them and waits until they are gone. {F's result, build time, teardown time}.
with_idle(N, F) ->
    in_process(
      fun() ->
              Self = self(),
              Before = erlang:system_info(process_count),
              Ready = atomics:new(1, []),
              Ended = atomics:new(1, []),
              T0 = now_ns(),
              Pids = w1_spawn(N, fun() -> w1_waiter(N, Ready, Ended, Self) end, []),
              receive {counted_down, Ready} -> ok after ?PATIENCE_MS -> error(w8_start) end,
              Built = now_ns() - T0,
              case erlang:system_info(process_count) - Before of
                  N -> ok;
                  Counted -> error({w8_counted, Counted, N})
              end,
              R = F(),
              case atomics:get(Ended, 1) of
                  0 -> ok;
                  Woken -> error({w8_idle_ended, Woken})
              end,
              T1 = now_ns(),
              w1_send(Pids),
              receive {counted_down, Ended} -> ok after ?PATIENCE_MS -> error(w8_end) end,
              await_process_count(Before, now_ns() + ?PATIENCE_MS * 1000000),
              log("W8: ~b idle processes built in ~b ms, torn down in ~b ms",
                  [N, Built div 1000000, (now_ns() - T1) div 1000000]),
              {R, Built, now_ns() - T1}
      end).

%% ---- W9: a mesh of four nodes, each streaming to the three others --------------------------

w9(Scale, Runs) ->
    N = scaled(?W9_PER_LINK, Scale),
    Window = w4_window(),
    result("w9.nodes", ?W9_NODES),
    result("w9.links", ?W9_NODES * (?W9_NODES - 1)),
    result("w9.perLink", N),
    result("w9.payloadBytes", ?W4_PAYLOAD),
    result("w9.window", Window),
    result("w9.ackEvery", ?W4_ACK_EVERY),
    info("w9.how", "this node and three more on the same epmd; on each node, one streamer per "
         "other node spawns a sink there and waits; on go, all 12 stream with W4's windowed "
         "protocol at once. Mesh rate = all messages / (go until the last streamer's report "
         "reaches this node); a link's rate = its messages / its own stream's time"),
    info("w9.heap", "heapPerLinkKiB: this node's erlang:memory(total) less code after collecting "
         "every process, with its 3 connections (after each run) less the same before it had "
         "any, / 3; nodeMaxHeapMiB: its largest total less code during a run, sampled every 5 ms, "
         "as W4's sender's"),
    start_dist("", default),
    NoLinks = memory_after_gc_less_code(),
    Peers = [start_b(default) || _ <- lists:seq(2, ?W9_NODES)],
    Nodes = [node() | [B || {_, _, B} <- Peers]],
    in_process(fun() -> w9_once(Nodes, warmup(?W9_PER_LINK, Scale), Window) end),
    Acc = lists:foldl(
            fun(_, A) ->
                    {Rate, MinRate, MaxRate, MaxMiB} =
                        in_process(fun() -> w9_once(Nodes, N, Window) end),
                    PerLink = (memory_after_gc_less_code() - NoLinks) / (?W9_NODES - 1) / 1024,
                    add("w9", [{"rate", Rate},
                               {"minLinkRate", MinRate},
                               {"maxLinkRate", MaxRate},
                               {"nodeMaxHeapMiB", MaxMiB},
                               {"heapPerLinkKiB", PerLink}], A)
            end, [], lists:seq(1, Runs)),
    lists:foreach(fun stop_b/1, Peers),
    stop_dist(),
    print_runs("w9", Acc).

w9_once(Nodes, N, Window) ->
    memory_after_gc(), % this node's peak is measured from a clean start, as W4's sender's
    Sampler = spawn_link(fun() -> sample(0) end),
    Self = self(),
    Streamers = [spawn(X, ?MODULE, streamer, [Self, Y, N, Window])
                 || X <- Nodes, Y <- Nodes, X =/= Y],
    [receive {ready, S} -> ok after ?PATIENCE_MS -> error({w9_not_ready, S}) end
     || S <- Streamers],
    T0 = now_ns(),
    [S ! go || S <- Streamers],
    Times = [receive {streamed, S, T} -> T after ?PATIENCE_MS -> error({w9_no_report, S}) end
             || S <- Streamers],
    Total = now_ns() - T0,
    Sampler ! {stop, self()},
    Max = receive {max, M} -> M end,
    Rates = lists:sort([per_second(N, T) || T <- Times]),
    log("W9 link rates (msgs/s): ~w", [[round(R) || R <- Rates]]),
    {per_second(N * length(Streamers), Total), hd(Rates), lists:last(Rates), Max / 1048576}.

%% One of W9's directed links, spawned on its sending node: spawns a W4 sink on Target, says it
%% is ready, and on go streams N payloads to it with W4's windowed protocol, then reports how
%% long that took.
streamer(Coordinator, Target, N, Window) ->
    Sink = spawn(Target, ?MODULE, sink, [self(), N, ?W4_ACK_EVERY]),
    Coordinator ! {ready, self()},
    receive go -> ok end,
    T0 = now_ns(),
    windowed(Sink, payload(), N, 0, 0, Window),
    Coordinator ! {streamed, self(), now_ns() - T0}.

%% This node's memory, code aside, after collecting every process.
memory_after_gc_less_code() ->
    memory_after_gc(),
    memory_less_code().

%% ---- W10: the fault layer: a supervisor's restarts, and the memory a link costs ------------

w10(Scale, Runs) ->
    N = scaled(?W10_RESTARTS, Scale),
    Pairs = scaled(?W10_PAIRS, Scale),
    result("w10.restarts", N),
    result("w10.pairs", Pairs),
    info("w10.restart.how", "supervisor callback module erlang_w10_sup, {one_for_one, restarts+1, "
         "3600}, one permanent worker; the driver sends the worker crash (it calls exit(crash)) "
         "and waits for the new worker's {w10_started, Pid}; supervisor reports off"),
    info("w10.link.how", "pairs of waiting processes; the second of each takes a message that "
         "does nothing, another, then one that makes it call link(First), each step followed by "
         "garbage_collect/1 of every process; the sum of process_info(P, memory) of the pairs' "
         "processes after the link less after the second, per pair (processesBytesPerLink: the "
         "same with erlang:memory(processes), W1's measure, which other processes' heaps blur)"),
    %% Each restart is a supervisor report (error level) for the default handler; W10 measures
    %% restarts, not a log's writing, as on the Java sides.
    ok = logger:set_module_level(supervisor, critical),
    in_process(fun() -> w10_restarts(warmup(?W10_RESTARTS)) end, ?W10_PATIENCE_MS),
    A1 = lists:foldl(
           fun(_, A) ->
                   {Rate, FirstRate} =
                       in_process(fun() -> w10_restarts(N) end, ?W10_PATIENCE_MS),
                   add("w10", [{"restartRate", Rate}, {"firstRestartRate", FirstRate}], A)
           end, [], lists:seq(1, Runs)),
    w10_link_bytes(warmup(?W10_PAIRS)),
    A2 = lists:foldl(
           fun(_, A) ->
                   {Own, Processes} = w10_link_bytes(Pairs),
                   add("w10", [{"bytesPerLink", Own}, {"processesBytesPerLink", Processes}], A)
           end, A1, lists:seq(1, Runs)),
    print_runs("w10", A2).

%% One supervisor with one permanent worker; the calling process crashes the worker N times,
%% each time waiting for the new worker to say it has started. Restarts per second, over all N
%% and over the first ?W10_FIRST_RESTARTS.
w10_restarts(N) ->
    First = min(N, ?W10_FIRST_RESTARTS),
    {ok, Sup} = erlang_w10_sup:start_link(self(), N + 1),
    Worker = receive {w10_started, P} -> P after ?PATIENCE_MS -> error(w10_no_child) end,
    T0 = now_ns(),
    Next = w10_crash(Worker, First),
    T1 = now_ns(),
    _ = w10_crash(Next, N - First),
    T2 = now_ns(),
    ok = gen_server:stop(Sup), % it stops its worker, and ends normally
    {per_second(N, T2 - T0), per_second(First, T1 - T0)}.

%% Crashes the worker K times; the last worker started.
w10_crash(Worker, 0) -> Worker;
w10_crash(Worker, K) ->
    Worker ! crash,
    receive
        {w10_started, Next} -> w10_crash(Next, K - 1)
    after ?PATIENCE_MS ->
            error({w10_no_restart, K})
    end.

%% The memory a link costs: spawns Pairs pairs of waiting processes; the second of each then
%% takes a message that does nothing (nop), another, and one that makes it link to the first
%% (link), every process being collected after each step. The memory after the link less the
%% memory after the second nop is the links': the same processes. Bytes per link (per pair), as
%% {the sum of process_info(P, memory) over the pairs' processes (links included),
%% erlang:memory(processes)}. The second is W1's measure, but it also counts every other
%% process's heap, whose size after a collection varies by megabytes between steps: at 10^4
%% pairs that is hundreds of bytes per pair either way, against a link of tens. The steps are
%% distproc's (where the two nops matter); the pids are kept in a list, as in W1.
w10_link_bytes(Pairs) ->
    in_process(
      fun() ->
              Self = self(),
              Before = erlang:system_info(process_count),
              Total = 2 * Pairs,
              Ready = atomics:new(1, []),
              Ended = atomics:new(1, []),
              Pids = w10_spawn(Pairs, Total, Ready, Ended, Self, []),
              receive {counted_down, Ready} -> ok after ?PATIENCE_MS -> error(w10_start) end,
              [_, {Unlinked, OwnUnlinked}, {Linked, OwnLinked}] =
                  [w10_link_step(Pids, Msg) || Msg <- [nop, nop, link]],
              w1_send(Pids),
              receive {counted_down, Ended} -> ok after ?PATIENCE_MS -> error(w10_end) end,
              await_process_count(Before, now_ns() + ?PATIENCE_MS * 1000000),
              {(OwnLinked - OwnUnlinked) / Pairs, (Linked - Unlinked) / Pairs}
      end).

%% Sends the second process of each pair Msg, waits until all have taken it, and returns the
%% memory of all processes, and of the pairs' own, after collecting every process.
w10_link_step(Pids, Msg) ->
    Step = atomics:new(1, []),
    w10_step(Pids, {Step, Msg}),
    receive {counted_down, Step} -> ok after ?PATIENCE_MS -> error({w10_step, Msg}) end,
    Memory = memory_after_gc(),
    {Memory, own_memory(Pids, 0)}.

%% The sum of process_info(P, memory) of the pairs' processes: their own memory alone, links
%% included, without the other processes' heaps that erlang:memory(processes) also counts.
own_memory([], Acc) -> Acc;
own_memory([P | Ps], Acc) ->
    {memory, M} = erlang:process_info(P, memory),
    own_memory(Ps, Acc + M).

w10_spawn(0, _, _, _, _, Acc) -> Acc;
w10_spawn(K, Total, Ready, Ended, Parent, Acc) ->
    First = spawn(fun() -> w10_first(Total, Ready, Ended, Parent) end),
    Second = spawn(fun() -> w10_second(First, Total, Ready, Ended, Parent) end),
    w10_spawn(K - 1, Total, Ready, Ended, Parent, [Second, First | Acc]).

%% Sends a step's message to the second process of each pair (every other pid of the list).
w10_step([], _) -> ok;
w10_step([Second, _First | Pids], Msg) -> Second ! Msg, w10_step(Pids, Msg).

w10_first(Total, Ready, Ended, Parent) ->
    count_down(Ready, Total, Parent),
    receive go -> ok end,
    count_down(Ended, Total, Parent).

w10_second(First, Total, Ready, Ended, Parent) ->
    count_down(Ready, Total, Parent),
    w10_second_loop(First, Total div 2, Parent),
    count_down(Ended, Total, Parent).

w10_second_loop(First, Pairs, Parent) ->
    receive
        {Step, nop} ->
            count_down(Step, Pairs, Parent),
            w10_second_loop(First, Pairs, Parent);
        {Step, link} ->
            link(First),
            count_down(Step, Pairs, Parent),
            w10_second_loop(First, Pairs, Parent);
        go ->
            ok
    end.

%% Waits until at most Count processes are alive: those of one W10 step are gone before the
%% next measures memory (a process's end goes on after its last countdown).
await_process_count(Count, Deadline) ->
    case erlang:system_info(process_count) of
        C when C =< Count -> ok;
        C ->
            case now_ns() > Deadline of
                true -> error({w10_processes_left, C, Count});
                false -> timer:sleep(1), await_process_count(Count, Deadline)
            end
    end.

%% ---- helpers -------------------------------------------------------------------------------

%% Runs F in a fresh process (its heap and whatever it links to go with it) and returns its
%% result; fails if it crashes or takes longer than the patience.
in_process(F) -> in_process(F, ?PATIENCE_MS).

in_process(F, PatienceMs) ->
    Self = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Self ! {self(), result, F()} end),
    receive
        {Pid, result, R} ->
            erlang:demonitor(Ref, [flush]),
            R;
        {'DOWN', Ref, process, Pid, Why} ->
            error({workload_process_crashed, Why})
    after PatienceMs ->
            exit(Pid, kill),
            error(workload_timeout)
    end.

now_ns() -> erlang:monotonic_time(nanosecond).

per_second(Units, Nanos) -> Units * 1.0e9 / Nanos.

scaled(Full, Scale) -> max(1, round(Full * Scale)).

%% The warm-up size in every mode: a tenth of the full size, as on the Java sides.
warmup(Full) -> scaled(Full, 0.1).

%% The warm-up size of a workload that smoke mode runs below a tenth (W8, W9): a tenth of the
%% full size, or the measured size where that is smaller.
warmup(Full, Scale) -> min(warmup(Full), scaled(Full, Scale)).

%% A size that is the point of its workload (W8's idle population): the full size in full and
%% quick mode, as W7's depth is; scaled only below a tenth, where smoke mode runs W8.
kept(Full, Scale) when Scale >= 0.1 -> Full;
kept(Full, Scale) -> scaled(Full, Scale).

to_float(S) ->
    case string:to_float(S) of
        {F, ""} -> F;
        _ -> float(list_to_integer(S))
    end.

%% Records one run's values: [{Metric, Value}] onto Acc.
add(Prefix, Values, Acc) ->
    lists:foldl(fun({M, V}, A) ->
                        log("~s.~s = ~s", [Prefix, M, fmt(V)]),
                        [{M, V} | A]
                end, Acc, Values).

%% Prints each metric's median (as `prefix.metric'), `.min', `.max', and its runs.
print_runs(Prefix, Acc) ->
    All = lists:reverse(Acc),
    Metrics = lists:foldl(fun({M, _}, Ms) ->
                                  case lists:member(M, Ms) of
                                      true -> Ms;
                                      false -> Ms ++ [M]
                                  end
                          end, [], All),
    lists:foreach(
      fun(M) ->
              Measured = [V || {M2, V} <- All, M2 =:= M],
              Key = Prefix ++ "." ++ M,
              %% The first runs are warm-up when asked; a metric measured no more often than that
              %% is printed whole.
              Skip = case persistent_term:get(uncounted, 0) of
                         K when length(Measured) > K -> K;
                         _ -> 0
                     end,
              {Warm, Vs} = lists:split(Skip, Measured),
              case Warm of
                  [] -> ok;
                  _ -> info(Key ++ ".warmupRuns", lists:join(",", [fmt(V) || V <- Warm]))
              end,
              S = lists:sort(Vs),
              result(Key, median(S)),
              result(Key ++ ".min", hd(S)),
              result(Key ++ ".max", lists:last(S)),
              info(Key ++ ".runs", lists:join(",", [fmt(V) || V <- Vs]))
      end, Metrics).

median(S) ->
    N = length(S),
    case N rem 2 of
        1 -> lists:nth(N div 2 + 1, S);
        0 -> (lists:nth(N div 2, S) + lists:nth(N div 2 + 1, S)) / 2
    end.

result(Key, V) -> io:format("RESULT ~s=~s~n", [Key, fmt(V)]).

info(Key, Text) -> io:format("INFO ~s=~ts~n", [Key, Text]).

log(Format, Args) -> io:format(standard_error, "[bench] " ++ Format ++ "~n", Args).

%% As Bench.fmt: an integer when the value is one, else four decimals.
fmt(V) when is_integer(V) -> integer_to_list(V);
fmt(V) when is_float(V), V == trunc(V), abs(V) < 1.0e15 -> integer_to_list(trunc(V));
fmt(V) -> float_to_list(V, [{decimals, 4}]).
