package io.fmq.jmx.tools;

import io.fmq.management.ObjectNames;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;

/**
 * {@code list}, {@code get}, {@code set} and {@code invoke} for any MBean. An MBean is named by its
 * ObjectName ({@code fmq:type=Server}), by {@code Server}, or by its configuration-tree path
 * ({@code HA/HAManager/FioranoHAManager}).
 */
final class AttributeCommands {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: fmq-admin.sh COMMAND " + Options.COMMON + " ...",
            "  status [-rmiPort PORT2] [--json]     live state of a server (or of a pair)",
            "  shutdown [-timeout SECONDS]          stop the server",
            "  list [MBEAN]                         the FMQ MBeans, or one MBean's attributes and operations",
            "  get MBEAN ATTRIBUTE...               read attributes",
            "  set MBEAN ATTRIBUTE VALUE            write an attribute",
            "  invoke MBEAN OPERATION [ARG...]      invoke an operation",
            "MBEAN is an ObjectName (fmq:type=Server), Server, or a configuration path (HA/HAManager/FioranoHAManager).");

    private AttributeCommands() {
    }

    static ObjectName mbean(String text) throws ToolException {
        if (text.equalsIgnoreCase("Server")) {
            return ObjectNames.SERVER;
        }
        try {
            if (text.contains(":")) {
                return new ObjectName(text);
            }
            List<String> path = Arrays.asList(text.split("[/\u203a>]+"));
            path.replaceAll(String::trim);
            return ObjectNames.configNode(path);
        } catch (javax.management.MalformedObjectNameException | IllegalArgumentException e) {
            throw new ToolException(ExitCodes.USAGE, "'" + text + "' is neither an ObjectName nor a configuration path "
                    + "(such as HA/HAManager/FioranoHAManager).");
        }
    }

    static int list(MBeanServerConnection c, List<String> args, PrintStream out) throws ToolException, IOException {
        if (args.isEmpty()) {
            Set<String> names = new TreeSet<>();
            c.queryNames(ObjectNames.of(ObjectNames.DOMAIN + ":*"), null).forEach(n -> names.add(n.toString()));
            names.forEach(out::println);
            return ExitCodes.OK;
        }
        ObjectName name = mbean(args.get(0));
        MBeanInfo info = info(c, name);
        out.println(name + ": " + info.getDescription());
        for (MBeanAttributeInfo a : info.getAttributes()) {
            out.printf("  attribute %s (%s%s): %s%n", a.getName(), simple(a.getType()), a.isWritable() ? ", writable" : "",
                    a.getDescription());
        }
        for (MBeanOperationInfo o : info.getOperations()) {
            StringBuilder sig = new StringBuilder();
            for (MBeanParameterInfo p : o.getSignature()) {
                sig.append(sig.length() == 0 ? "" : ", ").append(simple(p.getType())).append(' ').append(p.getName());
            }
            out.printf("  operation %s(%s): %s%n", o.getName(), sig, o.getDescription());
        }
        return ExitCodes.OK;
    }

    static int get(MBeanServerConnection c, List<String> args, PrintStream out) throws ToolException, IOException {
        if (args.size() < 2) {
            throw new ToolException(ExitCodes.USAGE, "get needs an MBean and at least one attribute.\n" + USAGE);
        }
        ObjectName name = mbean(args.get(0));
        for (String attribute : args.subList(1, args.size())) {
            try {
                Object value = c.getAttribute(name, attribute);
                out.println(args.size() == 2 ? format(value) : attribute + " = " + format(value));
            } catch (javax.management.AttributeNotFoundException e) {
                throw new ToolException(ExitCodes.FAILED, name + " has no attribute '" + attribute + "' (see: list " + args.get(0) + ").");
            } catch (InstanceNotFoundException e) {
                throw notFound(name, args.get(0));
            } catch (JMException | RuntimeMBeanException e) {
                throw failed(e);
            }
        }
        return ExitCodes.OK;
    }

    static int set(MBeanServerConnection c, List<String> args, PrintStream out) throws ToolException, IOException {
        if (args.size() != 3) {
            throw new ToolException(ExitCodes.USAGE, "set needs an MBean, an attribute and a value.\n" + USAGE);
        }
        ObjectName name = mbean(args.get(0));
        MBeanAttributeInfo attribute = Arrays.stream(info(c, name).getAttributes())
                .filter(a -> a.getName().equals(args.get(1))).findFirst()
                .orElseThrow(() -> new ToolException(ExitCodes.FAILED, name + " has no attribute '" + args.get(1) + "'."));
        if (!attribute.isWritable()) {
            throw new ToolException(ExitCodes.FAILED, attribute.getName() + " of " + name + " is read-only.");
        }
        try {
            c.setAttribute(name, new Attribute(attribute.getName(), convert(args.get(2), attribute.getType())));
        } catch (JMException | RuntimeMBeanException e) {
            throw failed(e);
        }
        out.println(attribute.getName() + " = " + format(getQuietly(c, name, attribute.getName())));
        return ExitCodes.OK;
    }

    static int invoke(MBeanServerConnection c, List<String> args, PrintStream out) throws ToolException, IOException {
        if (args.size() < 2) {
            throw new ToolException(ExitCodes.USAGE, "invoke needs an MBean and an operation.\n" + USAGE);
        }
        ObjectName name = mbean(args.get(0));
        List<String> params = args.subList(2, args.size());
        MBeanOperationInfo op = Arrays.stream(info(c, name).getOperations())
                .filter(o -> o.getName().equals(args.get(1)) && o.getSignature().length == params.size()).findFirst()
                .orElseThrow(() -> new ToolException(ExitCodes.FAILED, name + " has no operation '" + args.get(1) + "' taking "
                        + params.size() + " argument(s) (see: list " + args.get(0) + ")."));
        MBeanParameterInfo[] sig = op.getSignature();
        Object[] values = new Object[sig.length];
        String[] types = new String[sig.length];
        for (int i = 0; i < sig.length; i++) {
            values[i] = convert(params.get(i), sig[i].getType());
            types[i] = sig[i].getType();
        }
        try {
            Object result = c.invoke(name, op.getName(), values, types);
            if (result instanceof Object[]) {
                for (Object line : (Object[]) result) {
                    out.println(format(line));
                }
            } else if (!"void".equals(op.getReturnType())) {
                out.println(format(result));
            } else {
                out.println(op.getName() + " done.");
            }
        } catch (JMException | RuntimeMBeanException e) {
            throw failed(e);
        }
        return ExitCodes.OK;
    }

    private static MBeanInfo info(MBeanServerConnection c, ObjectName name) throws ToolException, IOException {
        try {
            return c.getMBeanInfo(name);
        } catch (InstanceNotFoundException e) {
            throw notFound(name, name.toString());
        } catch (JMException e) {
            throw failed(e);
        }
    }

    private static Object getQuietly(MBeanServerConnection c, ObjectName name, String attribute) throws IOException {
        try {
            return c.getAttribute(name, attribute);
        } catch (JMException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static ToolException notFound(ObjectName name, String given) {
        return new ToolException(ExitCodes.FAILED, "The server has no MBean " + name + " (from '" + given + "'); run 'list' to see them.");
    }

    private static ToolException failed(Exception e) {
        Throwable cause = e;
        while ((cause instanceof MBeanException || cause instanceof RuntimeMBeanException
                || cause instanceof javax.management.ReflectionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new ToolException(ExitCodes.FAILED, "The server refused the request: " + cause.getMessage());
    }

    /** Converts command-line text to a JMX open type named by its class name or primitive name. */
    static Object convert(String text, String type) throws ToolException {
        try {
            switch (type) {
                case "int": case "java.lang.Integer": return Integer.valueOf(text);
                case "long": case "java.lang.Long": return Long.valueOf(text);
                case "short": case "java.lang.Short": return Short.valueOf(text);
                case "byte": case "java.lang.Byte": return Byte.valueOf(text);
                case "double": case "java.lang.Double": return Double.valueOf(text);
                case "float": case "java.lang.Float": return Float.valueOf(text);
                case "boolean": case "java.lang.Boolean":
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new NumberFormatException();
                    }
                    return Boolean.valueOf(text);
                case "char": case "java.lang.Character":
                    if (text.length() != 1) {
                        throw new NumberFormatException();
                    }
                    return text.charAt(0);
                case "java.lang.String": return text;
                default:
                    throw new ToolException(ExitCodes.USAGE, "values of type " + type + " cannot be given on the command line.");
            }
        } catch (NumberFormatException e) {
            throw new ToolException(ExitCodes.USAGE, "'" + text + "' is not a valid " + simple(type) + ".");
        }
    }

    static String format(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < Array.getLength(value); i++) {
                sb.append(i == 0 ? "" : ", ").append(format(Array.get(value, i)));
            }
            return sb.append(']').toString();
        }
        if (value instanceof CompositeData) {
            CompositeData cd = (CompositeData) value;
            StringBuilder sb = new StringBuilder("{");
            for (String key : new TreeSet<>(cd.getCompositeType().keySet())) {
                sb.append(sb.length() == 1 ? "" : ", ").append(key).append('=').append(format(cd.get(key)));
            }
            return sb.append('}').toString();
        }
        return value.toString();
    }

    private static String simple(String type) {
        return type.startsWith("java.lang.") ? type.substring("java.lang.".length()) : type;
    }
}
