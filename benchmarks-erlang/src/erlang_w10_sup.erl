%% W10's supervisor on the Erlang side (see erlang_workloads:w10/2): a `supervisor' callback
%% module with one permanent worker under one_for_one, at most MaxRestarts restarts in an hour.
%% The worker tells the driver `{w10_started, self()}' each time it starts, and exits with
%% `crash' when it is sent `crash'.
-module(erlang_w10_sup).
-behaviour(supervisor).

-export([start_link/2, init/1, start_worker/1]).

%% Starts the supervisor, linked to the caller.
start_link(Driver, MaxRestarts) ->
    supervisor:start_link(?MODULE, {Driver, MaxRestarts}).

init({Driver, MaxRestarts}) ->
    Flags = #{strategy => one_for_one, intensity => MaxRestarts, period => 3600},
    Worker = #{id => worker,
               start => {?MODULE, start_worker, [Driver]},
               restart => permanent,
               shutdown => brutal_kill,
               type => worker},
    {ok, {Flags, [Worker]}}.

%% The worker's start function, called by the supervisor at the start and at each restart.
start_worker(Driver) ->
    {ok, spawn_link(fun() -> worker(Driver) end)}.

worker(Driver) ->
    Driver ! {w10_started, self()},
    receive crash -> exit(crash) end.
