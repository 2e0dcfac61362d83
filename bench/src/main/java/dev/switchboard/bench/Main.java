package dev.switchboard.bench;

import java.util.Arrays;

/** One jar, several roles: the driver (runs the scenarios), the floor server, a client worker. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar switchboard-bench.jar driver|floor|worker|jfr-top [options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "driver" -> Driver.main(rest);
            case "floor" -> FloorServer.main(rest);
            case "worker" -> Worker.main(rest);
            case "jfr-top" -> JfrTop.main(rest);
            default -> {
                System.err.println("unknown role " + args[0]);
                System.exit(2);
            }
        }
    }
}
