/**
 * Annotations that describe a network as an interface, for the Delta4j annotation processor to turn into a ready
 * network class. Source retention: nothing of them remains at run time.
 */
package org.delta4j.dsl;
